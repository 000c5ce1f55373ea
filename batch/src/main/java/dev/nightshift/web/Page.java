package dev.nightshift.web;

import java.util.List;

/** One page of a list: the items, where it starts, how many were asked for, and the offset of the next page (null at the end). */
public record Page<T>(List<T> items, int offset, int limit, Integer nextOffset) {

    /** Builds a page from {@code limit + 1} fetched items: the extra one only tells that there is a next page. */
    static <T> Page<T> of(List<T> fetched, int offset, int limit) {
        boolean more = fetched.size() > limit;
        return new Page<>(more ? fetched.subList(0, limit) : fetched, offset, limit, more ? offset + limit : null);
    }

    static int checkLimit(int limit) {
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("limit must be between 1 and 1000, got " + limit);
        }
        return limit;
    }

    static int checkOffset(int offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must not be negative, got " + offset);
        }
        return offset;
    }
}
