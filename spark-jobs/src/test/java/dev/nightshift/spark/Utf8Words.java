package dev.nightshift.spark;

import org.apache.spark.unsafe.types.UTF8String;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Random strings for the tests of string lookups ({@link Utf8Index} and what uses it): words of up to 5 letters of one
 * to four UTF-8 bytes, so that they fall on both sides of the 8-byte path, with NUL ("\0" packs as no bits) and the
 * empty letter; strings as views into larger byte arrays, as column vectors hand them out; and a lookup after Java
 * serialization, as Spark ships it to executors.
 */
public final class Utf8Words {

    private static final String[] ALPHABET = {"a", "b", "r", "0", "1", "é", "日", "😀", " ", "\0", ""};

    private Utf8Words() {
    }

    /**
     * {@code rounds} lists of words to look up in: the first fifteenth of them of sizes 0, 1, 2, ..., then sizes below 60,
     * the last fifteenth below 2,000 (so that slots collide and lookups probe); half of them with one word repeated
     * (whose first position is the answer).
     */
    public static List<List<String>> lists(Random random, int rounds) {
        List<List<String>> lists = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            int size = round < rounds / 15 ? round : random.nextInt(round < rounds - rounds / 15 ? 60 : 2_000);
            List<String> words = new ArrayList<>(distinct(random, size));
            if (size > 1 && random.nextBoolean()) {
                words.add(words.get(random.nextInt(words.size())));
            }
            lists.add(words);
        }
        return lists;
    }

    /** {@code size} distinct words. */
    public static Set<String> distinct(Random random, int size) {
        Set<String> words = new LinkedHashSet<>();
        while (words.size() < size) {
            words.add(word(random));
        }
        return words;
    }

    public static String word(Random random) {
        StringBuilder w = new StringBuilder();
        int length = random.nextInt(6);
        for (int i = 0; i < length; i++) {
            w.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return w.toString();
    }

    /**
     * Strings to look up in a list of {@code strings}: the strings, {@code others} random words, and each string's
     * neighbours (without its last letter, with one added, with a NUL added, with its last letter changed).
     */
    public static List<String> probes(Random random, List<String> strings, int others) {
        List<String> values = new ArrayList<>(strings);
        for (int k = 0; k < others; k++) {
            values.add(word(random));
        }
        for (String s : strings) {
            if (!s.isEmpty()) {
                values.add(s.substring(0, s.length() - 1));
            }
            values.add(s + "a");
            values.add(s + "\0");
            values.add(s.isEmpty() ? "b" : s.substring(0, s.length() - 1) + "b");
        }
        return values;
    }

    /** {@code s} as a view into a larger byte array, at an offset, as a column vector's getUTF8String returns it. */
    public static UTF8String inTheMiddle(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[bytes.length + 7];
        padded[0] = 'x';
        System.arraycopy(bytes, 0, padded, 3, bytes.length);
        padded[3 + bytes.length] = 'y';
        return UTF8String.fromBytes(padded, 3, bytes.length);
    }

    /** {@code value} written and read back with Java serialization. */
    @SuppressWarnings("unchecked")
    public static <T extends Serializable> T shipped(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}
