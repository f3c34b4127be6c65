package io.chat.history;

/** A search gave up after {@link SearchQuery#TIME_LIMIT}: the query costs too much on this tenant's history. */
public final class SearchTimeoutException extends StoreException {
    public SearchTimeoutException(String tenantId) {
        super("tenant store " + tenantId + ": search took longer than " + SearchQuery.TIME_LIMIT);
    }
}
