package dev.nightshift.scheduling;

import java.text.ParseException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import org.quartz.CronExpression;

/**
 * Fire times of a pipeline's cron in its time zone, with an explicit daylight-saving rule (Quartz's own cron
 * trigger silently skips a 02:30 schedule on a spring-forward night):
 * <ul>
 *   <li>a wall-clock time that does not exist that night (spring forward) fires once, shifted forward by the
 *   length of the gap (02:30 becomes 03:30);</li>
 *   <li>a wall-clock time that occurs twice (fall back) fires once, at its first occurrence.</li>
 * </ul>
 * The cron is evaluated on wall-clock (local) time, then each local time is placed in the zone.
 */
public final class FireTimes {
    private final CronExpression localCron;
    private final ZoneId zone;

    public FireTimes(String cron, ZoneId zone) {
        try {
            this.localCron = new CronExpression(cron);
        } catch (ParseException e) {
            throw new IllegalArgumentException("invalid cron '" + cron + "': " + e.getMessage(), e);
        }
        // Wall-clock arithmetic: evaluate the cron in a zone without transitions.
        this.localCron.setTimeZone(TimeZone.getTimeZone(ZoneOffset.UTC));
        this.zone = zone;
    }

    /** The first fire strictly after {@code after}. */
    public Instant next(Instant after) {
        LocalDateTime local = after.atZone(zone).toLocalDateTime();
        while (true) {
            Date nextLocal = localCron.getNextValidTimeAfter(Date.from(local.toInstant(ZoneOffset.UTC)));
            if (nextLocal == null) {
                return null;
            }
            LocalDateTime candidate = LocalDateTime.ofInstant(nextLocal.toInstant(), ZoneOffset.UTC);
            // ofLocal: a gap moves the time forward by the gap's length; an overlap takes the earlier offset.
            Instant fire = ZonedDateTime.ofLocal(candidate, zone, null).toInstant();
            if (fire.isAfter(after)) {
                return fire;
            }
            local = candidate;
        }
    }

    /** Every fire in {@code (from, to]}, oldest first. */
    public List<Instant> between(Instant from, Instant to) {
        List<Instant> out = new ArrayList<>();
        for (Instant t = next(from); t != null && !t.isAfter(to); t = next(t)) {
            out.add(t);
        }
        return out;
    }

    public ZoneId zone() {
        return zone;
    }
}
