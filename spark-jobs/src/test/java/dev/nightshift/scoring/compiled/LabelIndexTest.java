package dev.nightshift.scoring.compiled;

import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LabelIndex} against its definition, the CASE form it replaced (and MLlib's {@code StringIndexer}): a value's
 * first position among the labels, the invalid value for null and for anything else. Label sets of every size up to
 * 2,000 (so that slots collide and lookups probe), empty, multi-byte, NUL-ending and prefix-sharing labels of up to 20
 * bytes (both sides of the 8-byte path), values read from the middle of a larger byte array as column vectors hand
 * them out, and the index after Java serialization (how Spark ships it to executors).
 */
class LabelIndexTest {

    /** One to four bytes a letter, so words of up to 5 letters fall on both sides of the 8-byte path; "\0" packs as nothing. */
    private static final String[] ALPHABET = {"a", "b", "r", "0", "1", "é", "日", "😀", " ", "\0", ""};

    @Test
    void everyValueGetsItsFirstPositionOrTheInvalidValue() throws Exception {
        Random random = new Random(11);
        for (int round = 0; round < 300; round++) {
            int size = round < 20 ? round : random.nextInt(round < 280 ? 60 : 2_000);
            List<String> labels = new ArrayList<>(labels(random, size));
            if (size > 1 && random.nextBoolean()) {   // a repeated label: the first position counts
                labels.add(labels.get(random.nextInt(labels.size())));
            }
            double invalid = random.nextBoolean() ? labels.size() : -1.0;
            LabelIndex index = new LabelIndex(labels.toArray(String[]::new), invalid);
            LabelIndex shipped = roundTrip(index);

            List<String> values = new ArrayList<>(labels);
            for (int k = 0; k < 200; k++) {
                values.add(word(random));
            }
            for (String label : labels) {   // neighbours of labels: a prefix, extensions, one byte changed
                if (!label.isEmpty()) {
                    values.add(label.substring(0, label.length() - 1));
                }
                values.add(label + "a");
                values.add(label + "\0");
                values.add(label.isEmpty() ? "b" : label.substring(0, label.length() - 1) + "b");
            }
            for (String v : values) {
                double expected = labels.contains(v) ? labels.indexOf(v) : invalid;
                assertThat(index.of(inTheMiddle(v))).as("%s in %s", v, labels).isEqualTo(expected);
                assertThat(shipped.of(UTF8String.fromString(v))).as("%s after serialization", v).isEqualTo(expected);
            }
            assertThat(index.of(null)).isEqualTo(invalid);
            assertThat(shipped.of(null)).isEqualTo(invalid);
        }
    }

    @Test
    void theLabelsAreCopied() throws Exception {
        String[] labels = {"basic", "pro"};
        LabelIndex index = new LabelIndex(labels, 2.0);
        labels[0] = "team";
        for (LabelIndex i : List.of(index, roundTrip(index))) {
            assertThat(i.of(UTF8String.fromString("basic"))).isEqualTo(0.0);
            assertThat(i.of(UTF8String.fromString("team"))).isEqualTo(2.0);
        }
    }

    private static Set<String> labels(Random random, int size) {
        Set<String> labels = new LinkedHashSet<>();
        while (labels.size() < size) {
            labels.add(word(random));
        }
        return labels;
    }

    private static String word(Random random) {
        StringBuilder w = new StringBuilder();
        int length = random.nextInt(6);
        for (int i = 0; i < length; i++) {
            w.append(ALPHABET[random.nextInt(ALPHABET.length)]);
        }
        return w.toString();
    }

    /** {@code s} as a view into a larger byte array, at an offset, as a column vector's getUTF8String returns it. */
    private static UTF8String inTheMiddle(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[bytes.length + 7];
        padded[0] = 'x';
        System.arraycopy(bytes, 0, padded, 3, bytes.length);
        padded[3 + bytes.length] = 'y';
        return UTF8String.fromBytes(padded, 3, bytes.length);
    }

    private static LabelIndex roundTrip(LabelIndex index) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(index);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (LabelIndex) in.readObject();
        }
    }
}
