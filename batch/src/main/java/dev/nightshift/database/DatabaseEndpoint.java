package dev.nightshift.database;

/** Where the Nightshift database is and how to log in; the same values are handed to Spark jobs. */
public record DatabaseEndpoint(String url, String user, String password, boolean embedded) {

    /** The URL with any password query parameter masked, for logs and messages. */
    public String maskedUrl() {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1****");
    }

    @Override
    public String toString() {
        return "DatabaseEndpoint[url=" + maskedUrl() + ", user=" + user + ", embedded=" + embedded + "]";
    }
}
