package dev.nightshift.spark;

import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Utf8Index} against its definition, {@code List.indexOf} (a string's first position, -1 for anything else),
 * through both ways in: a {@code UTF8String} and the bytes at an offset of an array (how the drift pass reads a column
 * vector). Lists of every size up to 2,000 (so that slots collide and lookups probe), empty, multi-byte, NUL-ending
 * and prefix-sharing strings on both sides of the 8-byte path, and the index after Java serialization.
 */
class Utf8IndexTest {

    @Test
    void everyStringGetsItsFirstPositionAndNothingElseIsFound() throws Exception {
        Random random = new Random(13);
        for (List<String> strings : Utf8Words.lists(random, 300)) {
            assertFindsAsListDoes(strings, Utf8Words.probes(random, strings, 200));
        }
    }

    @Test
    void longStringsSharingTheirFirstBytesAreTold() throws Exception {
        // the drift pass's first lookup hashed a category's first eight bytes and its length, which these all share
        List<String> strings = IntStream.range(0, 2_000).mapToObj(i -> String.format("category_%04d", i)).toList();
        List<String> probes = new ArrayList<>(Utf8Words.probes(new Random(5), strings, 0));
        probes.addAll(List.of("category", "category_", "category_20000", "category_2000", "categories_0001"));
        assertFindsAsListDoes(strings, probes);
        assertFindsAsListDoes(List.of("category_a_long", "category_b_long", "category", "", "ü-plan", "p0", "p1"),
                List.of("category_c_long", "categor", "category_a_lon", "p2", "P0", " ", "ü", "category_a_long\0"));
    }

    @Test
    void nullAndAnEmptyListFindNothing() {
        assertThat(new Utf8Index(new String[] {"a", "bbbbbbbbbbbb"}).indexOf(null)).isEqualTo(-1);
        Utf8Index empty = new Utf8Index(new String[0]);
        assertThat(empty.size()).isZero();
        assertThat(empty.indexOf(UTF8String.fromString(""))).isEqualTo(-1);
        assertThat(empty.indexOf(UTF8String.fromString("a long string"))).isEqualTo(-1);
    }

    @Test
    void theListIsCopied() throws Exception {
        String[] strings = {"basic", "professional"};
        Utf8Index index = new Utf8Index(strings);
        strings[0] = "team";
        strings[1] = "enterprise plan";
        for (Utf8Index i : List.of(index, Utf8Words.shipped(index))) {
            assertThat(i.indexOf(UTF8String.fromString("basic"))).isZero();
            assertThat(i.indexOf(UTF8String.fromString("professional"))).isEqualTo(1);
            assertThat(i.indexOf(UTF8String.fromString("team"))).isEqualTo(-1);
            assertThat(i.indexOf(UTF8String.fromString("enterprise plan"))).isEqualTo(-1);
        }
    }

    private static void assertFindsAsListDoes(List<String> strings, List<String> probes) throws Exception {
        Utf8Index index = new Utf8Index(strings.toArray(String[]::new));
        Utf8Index shipped = Utf8Words.shipped(index);
        assertThat(index.size()).isEqualTo(strings.size());
        for (String v : probes) {
            int expected = strings.indexOf(v);
            UTF8String view = Utf8Words.inTheMiddle(v);
            assertThat(index.indexOf(view)).as("%s in %s", v, strings).isEqualTo(expected);
            assertThat(index.indexOf(view.getBaseObject(), view.getBaseOffset(), view.numBytes())).as("%s as bytes", v).isEqualTo(expected);
            assertThat(shipped.indexOf(UTF8String.fromString(v))).as("%s after serialization", v).isEqualTo(expected);
        }
    }
}
