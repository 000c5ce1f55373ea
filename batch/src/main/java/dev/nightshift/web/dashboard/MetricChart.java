package dev.nightshift.web.dashboard;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.text.SimpleDateFormat;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.concurrent.atomic.AtomicLong;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.DateTickUnit;
import org.jfree.chart.axis.DateTickUnitType;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * A metric's trend as inline SVG: one line per model version with its 95% interval as a shaded band (JFreeChart's
 * {@link DeviationRenderer}), the policy's limits as horizontal lines and the nights where the champion changed as
 * vertical markers. Drawn on the server so pages and the run report need no JavaScript and no network.
 */
public final class MetricChart {
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0x9467bd),
            new Color(0x8c564b), new Color(0xe377c2)};
    private static final AtomicLong IDS = new AtomicLong();

    /** A horizontal limit: a value and what it is ("min 0.70"). */
    public record Limit(double value, String label) {
    }

    private MetricChart() {
    }

    public static String svg(String metric, List<DashboardQueries.MetricPoint> points, List<Limit> limits,
                             List<DashboardQueries.ChampionChange> changes, int width, int height) {
        Map<Integer, YIntervalSeries> byVersion = new LinkedHashMap<>();
        for (DashboardQueries.MetricPoint p : points) {
            YIntervalSeries s = byVersion.computeIfAbsent(p.modelVersion(), v -> new YIntervalSeries("model v" + v));
            double low = p.ciLow() == null ? p.value() : p.ciLow();
            double high = p.ciHigh() == null ? p.value() : p.ciHigh();
            s.add(millis(p.date()), p.value(), low, high);
        }
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        byVersion.values().forEach(data::addSeries);

        DateAxis x = new DateAxis(null);
        SimpleDateFormat format = new SimpleDateFormat("MMM d");
        format.setTimeZone(TimeZone.getTimeZone(ZoneOffset.UTC));
        x.setDateFormatOverride(format);
        x.setTimeZone(TimeZone.getTimeZone(ZoneOffset.UTC));
        // whole nights only: one tick per night, or per few nights on a long history (JFreeChart would tick hours)
        LocalDate first = points.stream().map(DashboardQueries.MetricPoint::date).min(LocalDate::compareTo).orElse(LocalDate.EPOCH);
        LocalDate last = points.stream().map(DashboardQueries.MetricPoint::date).max(LocalDate::compareTo).orElse(LocalDate.EPOCH);
        long span = java.time.temporal.ChronoUnit.DAYS.between(first, last);
        x.setTickUnit(new DateTickUnit(DateTickUnitType.DAY, (int) Math.max(1, (span + 9) / 10)));
        double halfDay = 12 * 3600 * 1000.0;
        x.setRange(millis(first) - halfDay, millis(last) + halfDay);
        NumberAxis y = new NumberAxis(metric);
        y.setAutoRangeIncludesZero(false);
        DeviationRenderer renderer = new DeviationRenderer(true, true);
        int i = 0;
        for (Integer version : byVersion.keySet()) {
            Color c = PALETTE[i++ % PALETTE.length];
            renderer.setSeriesPaint(i - 1, c);
            renderer.setSeriesFillPaint(i - 1, c);
            renderer.setSeriesStroke(i - 1, new BasicStroke(2f));
        }
        renderer.setAlpha(0.18f);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xe5e7eb));
        plot.setRangeGridlinePaint(new Color(0xe5e7eb));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        for (Limit limit : limits) {
            ValueMarker m = new ValueMarker(limit.value(), new Color(0xdc2626), new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            m.setLabel(limit.label());
            m.setLabelPaint(new Color(0xdc2626));
            m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            m.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            plot.addRangeMarker(m, Layer.FOREGROUND);
            includeInRange(y, limit.value());
        }
        for (DashboardQueries.ChampionChange change : changes) {
            ValueMarker m = new ValueMarker(millis(change.date()), new Color(0x6b7280), new BasicStroke(1f));
            m.setLabel("champion v" + change.toVersion());
            m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            m.setLabelPaint(new Color(0x374151));
            m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
            m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            plot.addDomainMarker(m, Layer.FOREGROUND);
        }
        JFreeChart chart = new JFreeChart(null, new Font(Font.SANS_SERIF, Font.BOLD, 13), plot, byVersion.size() > 1);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        SVGGraphics2D g2 = new SVGGraphics2D(width, height);
        g2.setDefsKeyPrefix("c" + IDS.incrementAndGet() + "-");
        chart.draw(g2, new Rectangle(0, 0, width, height));
        return g2.getSVGElement(null, false, new ViewBox(0, 0, width, height), null, null);
    }

    private static void includeInRange(NumberAxis axis, double value) {
        axis.setAutoRangeIncludesZero(false);
        org.jfree.data.Range r = axis.getRange();
        if (value < r.getLowerBound() || value > r.getUpperBound()) {
            axis.setAutoRange(true);
        }
    }

    private static double millis(LocalDate date) {
        return date.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    }
}
