package dev.nightshift.web.api;

import java.util.List;

/** One page of a list: the items, where it starts, how many were asked for, and the offset of the next page (null at the end). */
public record Page<T>(List<T> items, int offset, int limit, Integer nextOffset) {

    /** Builds a page from {@code limit + 1} fetched items: the extra one only tells that there is a next page. */
    static <T> Page<T> of(List<T> fetched, int offset, int limit) {
        boolean more = fetched.size() > limit;
        return new Page<>(more ? fetched.subList(0, limit) : fetched, offset, limit, more ? offset + limit : null);
    }

    /** A page of a list that is small enough to be read whole (pipelines, a pipeline's model versions, a run's steps). */
    static <T> Page<T> slice(List<T> all, int offset, int limit) {
        int from = Math.min(checkOffset(offset), all.size());
        return of(all.subList(from, Math.min(all.size(), from + checkLimit(limit) + 1)), offset, limit);
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
