package dev.nightshift.spark;

import org.postgresql.copy.CopyIn;

import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * Writes rows in PostgreSQL's binary COPY format ({@code COPY ... FROM STDIN WITH (FORMAT binary)}): a header, then per
 * row an int16 field count and per field an int32 length (-1 for null) and the big-endian value, then a trailer. Values
 * are buffered and handed to the {@link CopyIn} in chunks of about {@code flushBytes}.
 */
public final class PgBinaryCopy {

    /** "PGCOPY\n\377\r\n\0", then int32 flags (0) and int32 header-extension length (0). */
    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0, 0, 0, 0, 0, 0, 0, 0, 0};
    /** PostgreSQL's epoch, 2000-01-01, as days and seconds since 1970-01-01. */
    static final long PG_EPOCH_DAYS = LocalDate.of(2000, 1, 1).toEpochDay();
    static final long PG_EPOCH_SECONDS = PG_EPOCH_DAYS * 86_400L;

    private final CopyIn copy;
    private final int flushBytes;
    private byte[] buf;
    private int pos;

    public PgBinaryCopy(CopyIn copy, int flushBytes) {
        this.copy = copy;
        this.flushBytes = flushBytes;
        this.buf = new byte[flushBytes + 4096];
        System.arraycopy(HEADER, 0, buf, 0, HEADER.length);
        pos = HEADER.length;
    }

    /** Starts a row of {@code fields} fields. */
    public PgBinaryCopy row(int fields) throws SQLException {
        if (pos >= flushBytes) {
            flush();
        }
        ensure(2);
        putShort(fields);
        return this;
    }

    public PgBinaryCopy nullValue() {
        ensure(4);
        putInt(-1);
        return this;
    }

    /** text / varchar as UTF-8; null as SQL NULL. */
    public PgBinaryCopy text(String s) {
        return text(org.apache.spark.unsafe.types.UTF8String.fromString(s));
    }

    /** text / varchar from Spark's UTF-8 string, its bytes as they are (no decoding to a Java string); null as SQL NULL. */
    public PgBinaryCopy text(org.apache.spark.unsafe.types.UTF8String s) {
        if (s == null) {
            return nullValue();
        }
        int n = s.numBytes();
        ensure(4 + n);
        putInt(n);
        s.writeToMemory(buf, org.apache.spark.unsafe.Platform.BYTE_ARRAY_OFFSET + pos);
        pos += n;
        return this;
    }

    /** int4. */
    public PgBinaryCopy int4(int v) {
        ensure(8);
        putInt(4);
        putInt(v);
        return this;
    }

    /** int8. */
    public PgBinaryCopy int8(long v) {
        ensure(12);
        putInt(8);
        putLong(v);
        return this;
    }

    /** float8, NaN and infinities included (IEEE 754 bits as PostgreSQL stores them). */
    public PgBinaryCopy float8(double v) {
        ensure(12);
        putInt(8);
        putLong(Double.doubleToLongBits(v));
        return this;
    }

    /** date: days since 2000-01-01 as int4; null as SQL NULL. */
    public PgBinaryCopy date(LocalDate d) {
        if (d == null) {
            return nullValue();
        }
        ensure(8);
        putInt(4);
        putInt(Math.toIntExact(d.toEpochDay() - PG_EPOCH_DAYS));
        return this;
    }

    /** timestamptz: microseconds since 2000-01-01T00:00Z as int8 (sub-microsecond digits truncated); null as SQL NULL. */
    public PgBinaryCopy timestamptz(Instant t) {
        if (t == null) {
            return nullValue();
        }
        ensure(12);
        putInt(8);
        putLong(Math.addExact(Math.multiplyExact(t.getEpochSecond() - PG_EPOCH_SECONDS, 1_000_000L), t.getNano() / 1_000));
        return this;
    }

    /** Writes the trailer and everything buffered; the caller then ends the COPY. */
    public void finish() throws SQLException {
        ensure(2);
        putShort(-1);
        flush();
    }

    private void flush() throws SQLException {
        if (pos > 0) {
            copy.writeToCopy(buf, 0, pos);
            pos = 0;
        }
    }

    private void ensure(int bytes) {
        if (pos + bytes > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + bytes));
        }
    }

    private void putShort(int v) {
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void putInt(int v) {
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }
}
