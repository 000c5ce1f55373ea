package dev.nightshift.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real embedded PostgreSQL: two users of one home in one JVM share the server, and the last to close stops it. */
class EmbeddedDatabaseTest {

    @TempDir
    Path home;

    @Test
    void theServerThisJvmStartedStaysUpUntilItsLastUserCloses() throws Exception {
        EmbeddedDatabase first = EmbeddedDatabase.start(home, 0);
        EmbeddedDatabase second = EmbeddedDatabase.start(home, 0);
        assertThat(second.endpoint().url()).isEqualTo(first.endpoint().url());

        first.close();
        first.close(); // a second close of the same user does not count again
        assertThat(selectOne(second)).isEqualTo(1);

        second.close();
        assertThat(EmbeddedDatabase.runningServerPort(home.resolve("pg"))).isEmpty();
        assertThatThrownBy(() -> selectOne(second)).isInstanceOf(SQLException.class);

        EmbeddedDatabase again = EmbeddedDatabase.start(home, 0); // the same data directory starts again
        try {
            assertThat(selectOne(again)).isEqualTo(1);
        } finally {
            again.close();
        }
    }

    private static int selectOne(EmbeddedDatabase database) throws SQLException {
        DatabaseEndpoint owner = database.ownerEndpoint();
        try (Connection c = DriverManager.getConnection(owner.url(), owner.user(), owner.password());
             ResultSet r = c.createStatement().executeQuery("SELECT 1")) {
            r.next();
            return r.getInt(1);
        }
    }
}
