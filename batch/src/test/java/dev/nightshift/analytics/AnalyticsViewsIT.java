package dev.nightshift.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.nightshift.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.nightshift.database.DatabaseConfiguration;
import java.sql.DriverManager;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The analysts' contract: every view is documented, the README's example queries run, and the role sees nothing else. */
class AnalyticsViewsIT extends IntegrationTest {
    @Autowired DataSource dataSource;
    @Autowired DatabaseConfiguration.OwnerEndpoint owner;

    /** SET ROLE to the analyst needs membership: the owner's login has it, the application's role does not. */
    private Connection ownerConnection() throws Exception {
        return DriverManager.getConnection(owner.endpoint().url(), owner.endpoint().user(), owner.endpoint().password());
    }

    @Test
    void theReadmesExampleQueriesRunAsTheAnalystRole() throws Exception {
        List<String> queries = readmeQueries();
        assertThat(queries).hasSizeGreaterThanOrEqualTo(3);
        try (Connection c = ownerConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET LOCAL ROLE nightshift_analyst");
            for (String q : queries) {
                try (ResultSet rs = s.executeQuery(q)) {
                    assertThat(rs.getMetaData().getColumnCount()).as(q).isPositive();
                }
            }
            c.rollback();
        }
    }

    @Test
    void theAnalystRoleCannotReadInternalTables() throws Exception {
        try (Connection c = ownerConnection(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("SET LOCAL ROLE nightshift_analyst");
            assertThatThrownBy(() -> s.executeQuery("SELECT * FROM nightshift.predictions LIMIT 1"))
                    .hasMessageContaining("permission denied");
            c.rollback();
        }
    }

    @Test
    void everyViewAndEveryColumnOfTheMainViewsHasAComment() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = 'analytics' AND c.relkind = 'v' AND obj_description(c.oid, 'pg_class') IS NULL""")) {
            List<String> undocumented = new ArrayList<>();
            while (rs.next()) {
                undocumented.add(rs.getString(1));
            }
            assertThat(undocumented).as("views without COMMENT").isEmpty();
        }
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT a.table_name || '.' || a.column_name FROM information_schema.columns a
                     JOIN pg_class v ON v.relname = a.table_name JOIN pg_namespace n ON n.oid = v.relnamespace AND n.nspname = a.table_schema
                     WHERE a.table_schema = 'analytics' AND v.relkind = 'v' AND col_description(v.oid, a.ordinal_position) IS NULL
                     ORDER BY 1""")) {
            List<String> undocumented = new ArrayList<>();
            while (rs.next()) {
                undocumented.add(rs.getString(1));
            }
            assertThat(undocumented).as("view columns without COMMENT").isEmpty();
        }
    }

    /** The ```sql blocks of the README's "Analytics" section. */
    static List<String> readmeQueries() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        int start = readme.indexOf("## Analytics");
        assertThat(start).as("README has an Analytics section").isNotNegative();
        int end = readme.indexOf("\n## ", start + 5);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Matcher m = Pattern.compile("```sql\\n(.*?)```", Pattern.DOTALL).matcher(section);
        List<String> out = new ArrayList<>();
        while (m.find()) {
            for (String q : m.group(1).split(";\\s*\\n")) {
                if (!q.isBlank()) {
                    out.add(q.strip().replaceAll(";$", ""));
                }
            }
        }
        return out;
    }
}
