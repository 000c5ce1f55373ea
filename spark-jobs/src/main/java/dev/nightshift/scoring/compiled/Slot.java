package dev.nightshift.scoring.compiled;

import org.apache.spark.sql.Column;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

/**
 * One element of an assembled feature vector as a Spark SQL expression over the row. A one-hot element keeps the
 * expression of the index it encodes, so that models can use the index directly (a coefficient lookup, an
 * equality test) instead of a 0/1 value per element.
 */
sealed interface Slot {

    /** The element's value, a double. */
    Column value();

    /** An element computed by an arbitrary double expression. */
    record Scalar(Column value) implements Slot {
    }

    /** Element {@code position} of a one-hot block: 1.0 when {@code hot} (a double index) equals the position, else 0.0. */
    record OneHot(Column hot, int position) implements Slot {

        @Override
        public Column value() {
            return when(isHot(), 1.0).otherwise(0.0);
        }

        Column isHot() {
            return hot.equalTo(lit((double) position));
        }
    }
}
