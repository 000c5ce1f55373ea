package dev.nightshift.scoring.compiled;

import dev.nightshift.spark.Utf8Words;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LabelIndex} against its definition, the CASE form it replaced (and MLlib's {@code StringIndexer}): a value's
 * first position among the labels, the invalid value (MLlib's {@code keep} index, or the {@code error} mode's -1) for
 * null and for anything else, also after Java serialization (how Spark ships it to executors). The table underneath
 * has its own test ({@code Utf8IndexTest}); this one checks what the scoring expression is given.
 */
class LabelIndexTest {

    @Test
    void everyValueGetsItsFirstPositionOrTheInvalidValue() throws Exception {
        Random random = new Random(11);
        for (List<String> labels : Utf8Words.lists(random, 100)) {
            double invalid = random.nextBoolean() ? labels.size() : -1.0;
            LabelIndex index = new LabelIndex(labels.toArray(String[]::new), invalid);
            LabelIndex shipped = Utf8Words.shipped(index);
            for (String v : Utf8Words.probes(random, labels, 200)) {
                double expected = labels.contains(v) ? labels.indexOf(v) : invalid;
                assertThat(index.of(Utf8Words.inTheMiddle(v))).as("%s in %s", v, labels).isEqualTo(expected);
                assertThat(shipped.of(UTF8String.fromString(v))).as("%s after serialization", v).isEqualTo(expected);
            }
            assertThat(index.of(null)).isEqualTo(invalid);
            assertThat(shipped.of(null)).isEqualTo(invalid);
            assertThat(index).hasToString("string-indexer(" + labels.size() + " labels)");
        }
    }

    @Test
    void theLabelsAreCopied() throws Exception {
        String[] labels = {"basic", "pro"};
        LabelIndex index = new LabelIndex(labels, 2.0);
        labels[0] = "team";
        for (LabelIndex i : List.of(index, Utf8Words.shipped(index))) {
            assertThat(i.of(UTF8String.fromString("basic"))).isEqualTo(0.0);
            assertThat(i.of(UTF8String.fromString("team"))).isEqualTo(2.0);
        }
    }
}
