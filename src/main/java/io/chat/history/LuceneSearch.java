package io.chat.history;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.QueryBuilder;

/**
 * The H2 store's search: a Lucene index in the tenant's folder ({@value #FOLDER}), one document per message in its
 * latest state, kept by a thread of its own that follows the messages table.
 *
 * <p>How it follows: the store's writer names the rooms of every commit ({@link #committed}); the indexer reads
 * those rooms' entries after the last seq it indexed (on the store's read pool), and for each message, edit or
 * deletion puts the message's current state in the index (an edited text replaces the old one, a deleted message's
 * document is removed). Every Lucene commit records, in its commit data, the last seq indexed in each room; at open
 * the index catches up from there, so a kill -9 costs nothing but re-indexing what came after the index's last
 * commit (a replayed write-ahead log included: it is in the table by then). An index that cannot be opened is
 * deleted and rebuilt from the table. A room whose table ends before the index (messages acknowledged by nobody,
 * lost in a crash) loses its documents past that end.
 *
 * <p>Reads see their writes: a search waits (at most {@link #CATCH_UP_WAIT}) until the indexer has taken in every
 * commit made before it started. Results are read back from the table: a deleted message is never returned, even
 * from an index behind the table. Searches run on the read pool, never on the writer's or the indexer's thread.
 * Tenants are isolated by folders: each store has its own index.
 */
final class LuceneSearch implements AutoCloseable {
    static final String FOLDER = "search";
    static final Duration CATCH_UP_WAIT = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger(LuceneSearch.class.getName());
    private static final int BATCH = 2_000;
    private static final Duration REFRESH_EVERY = Duration.ofSeconds(5);
    private static final Duration ROUND_PAUSE = Duration.ofMillis(100);
    private static final Duration COMMIT_EVERY = Duration.ofSeconds(10);
    private static final String SEQ_KEY = "seq:";
    private static final String ROOM = "room";
    private static final String ROOM_ORDER = "room_order";
    private static final String FROM = "from";
    private static final String TS = "ts";
    private static final String SEQ = "seq";
    private static final String TEXT = "text";
    private static final Sort NEWEST_FIRST = new Sort(
            new SortField(TS, SortField.Type.LONG, true),
            new SortField(ROOM_ORDER, SortField.Type.STRING, true),
            new SortField(SEQ, SortField.Type.LONG, true));
    // entries after a seq, each with the current state of the message it is or changes
    private static final String ENTRIES_AFTER = """
            SELECT m.seq, m.kind, m.target, m.sender, m.text, m.ts, m.deleted, t.sender, t.text, t.ts, t.deleted
            FROM messages m LEFT JOIN messages t ON t.room = m.room AND t.seq = m.target
            WHERE m.room = ? AND m.seq > ?
            ORDER BY m.room, m.seq
            LIMIT ?""";
    private static final String ROOM_ENDS = "SELECT room, MAX(seq) FROM messages GROUP BY room";

    /** The store's reads: SQL on its read pool. */
    interface Reads {
        <T> CompletableFuture<T> read(SqlWork<T> work);
    }

    private final String tenantId;
    private final Reads reads;
    private final Analyzer analyzer = new StandardAnalyzer();
    /** How long a search may take: {@link SearchQuery#TIME_LIMIT}, shorter in a test of the limit. */
    private volatile Duration timeLimit = SearchQuery.TIME_LIMIT;

    private final Directory directory;
    private final IndexWriter index;
    private final SearcherManager searchers;
    /** The last seq indexed per room: the indexer thread's alone. */
    private final Map<String, Long> indexed = new HashMap<>();
    /** Rooms with commits the indexer has not read yet. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    /** Commits announced, and taken in by the indexer (searches wait for the second to reach the first). */
    private final AtomicLong announced = new AtomicLong();

    private final List<Waiter> waiters = new ArrayList<>(); // guarded by itself
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile long takenIn;
    private volatile boolean stopping;
    private final AtomicBoolean closed = new AtomicBoolean();

    private record Waiter(long commit, CompletableFuture<Void> done) {}

    private LuceneSearch(String tenantId, Reads reads, Directory directory, IndexWriter index) throws IOException {
        this.tenantId = tenantId;
        this.reads = reads;
        this.directory = directory;
        this.index = index;
        this.searchers = new SearcherManager(index, null);
        index.getLiveCommitData().forEach(entry -> {
            if (entry.getKey().startsWith(SEQ_KEY)) {
                indexed.put(entry.getKey().substring(SEQ_KEY.length()), Long.parseLong(entry.getValue()));
            }
        });
        // Daemon and never interrupted: an interrupt inside Lucene's file I/O closes the index.
        this.thread = Thread.ofPlatform()
                .name("search-indexer-" + tenantId)
                .daemon(true)
                .unstarted(this::run);
    }

    /** Opens (creating or rebuilding if needed) the index in the tenant's folder; {@link #start} starts the indexer. */
    static LuceneSearch open(Path tenantFolder, String tenantId, Reads reads) {
        Path folder = tenantFolder.resolve(FOLDER);
        LuceneSearch search;
        try {
            // it holds the messages' words: 0700, and what an older run left 0600 (new files are unreadable to
            // others through the folder)
            OwnerOnly.ensureFolder(folder);
            OwnerOnly.restrictFolder(folder);
            search = openIndex(folder, tenantId, reads);
        } catch (IOException e) {
            throw new StoreException("cannot open the search index of tenant " + tenantId, e);
        }
        search.announced.incrementAndGet(); // the catch-up at open: the first searches wait for it
        return search;
    }

    /**
     * An index in memory, built from the table at open: for a store on a test's simulated disk, which Lucene's own
     * files would bypass.
     */
    static LuceneSearch inMemory(String tenantId, Reads reads) {
        try {
            LuceneSearch search = open(new ByteBuffersDirectory(), tenantId, reads);
            search.announced.incrementAndGet();
            return search;
        } catch (IOException e) {
            throw new StoreException("cannot open the search index of tenant " + tenantId, e);
        }
    }

    /** Starts catching up and following: after the writer was told to call {@link #committed}. */
    void start() {
        thread.start();
    }

    private static LuceneSearch openIndex(Path folder, String tenantId, Reads reads) throws IOException {
        try {
            return openIndexAsIs(folder, tenantId, reads);
        } catch (org.apache.lucene.store.LockObtainFailedException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "tenant " + tenantId + ": search index unreadable, rebuilding it", e);
            try (Stream<Path> files = Files.list(folder)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            return openIndexAsIs(folder, tenantId, reads);
        }
    }

    private static LuceneSearch openIndexAsIs(Path folder, String tenantId, Reads reads) throws IOException {
        return open(FSDirectory.open(folder), tenantId, reads);
    }

    private static LuceneSearch open(Directory directory, String tenantId, Reads reads) throws IOException {
        try {
            // Sorted as results are: a search stops after its page instead of visiting every match (a common word
            // matches most of a tenant's messages). An index sorted otherwise cannot be opened: it is rebuilt.
            IndexWriterConfig config = new IndexWriterConfig(new StandardAnalyzer())
                    .setIndexSort(NEWEST_FIRST)
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setCommitOnClose(true);
            boolean fresh = !DirectoryReader.indexExists(directory);
            IndexWriter index = new IndexWriter(directory, config);
            try {
                if (fresh) {
                    // a new index's files are all there once the store is open, not at the indexer's first commit
                    try (InterruptSetAside opener = InterruptSetAside.take()) {
                        index.commit();
                    }
                }
                return new LuceneSearch(tenantId, reads, directory, index);
            } catch (IOException | RuntimeException e) {
                index.rollback();
                throw e;
            }
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e;
        }
    }

    /** Called by the store's writer after a commit that added entries to {@code rooms}: cheap, never blocks. */
    void committed(Iterable<String> rooms) {
        boolean any = false;
        for (String room : rooms) {
            pending.add(room);
            any = true;
        }
        if (any) {
            announced.incrementAndGet(); // after the rooms: the indexer reads the count first, then the rooms
            wake.release();
        }
    }

    /** Completes once every commit announced before the call is in the index (or after {@link #CATCH_UP_WAIT}). */
    CompletableFuture<Void> caughtUp() {
        long commit = announced.get();
        if (takenIn >= commit) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (waiters) {
            if (takenIn >= commit || stopping) {
                return CompletableFuture.completedFuture(null);
            }
            waiters.add(new Waiter(commit, done));
        }
        wake.release(); // the indexer makes what it has visible at once
        return done.completeOnTimeout(null, CATCH_UP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs the search with {@code connection} (a read connection, on the read pool). */
    SearchPage search(Connection connection, SearchQuery query) throws SQLException, IOException {
        Set<String> rooms = query.searched();
        if (rooms.isEmpty()) {
            return SearchPage.empty();
        }
        Optional<Query> words = words(query.terms());
        if (words.isEmpty()) {
            return SearchPage.empty(); // a required term with nothing left once tokenized
        }
        BooleanQuery.Builder match = new BooleanQuery.Builder()
                .add(words.get(), Occur.MUST)
                .add(new TermInSetQuery(ROOM, rooms.stream().map(BytesRef::new).toList()), Occur.FILTER);
        query.from().ifPresent(from -> match.add(new TermQuery(new Term(FROM, from)), Occur.FILTER));
        List<SearchSql.Key> keys = new ArrayList<>(query.limit() + 1);
        IndexSearcher shared = searchers.acquire();
        try {
            // a searcher of its own: the time bound is the searcher's
            IndexSearcher searcher = new IndexSearcher(shared.getIndexReader());
            long deadline = System.nanoTime() + timeLimit.toNanos();
            searcher.setTimeout(() -> System.nanoTime() - deadline > 0);
            int lastDoc = searcher.getIndexReader().maxDoc() - 1;
            if (lastDoc < 0) {
                return SearchPage.empty();
            }
            TopDocs top = query.before().isPresent()
                    ? searcher.searchAfter(
                            after(query.before().get(), lastDoc), match.build(), query.limit() + 1, NEWEST_FIRST)
                    : searcher.search(match.build(), query.limit() + 1, NEWEST_FIRST);
            if (searcher.timedOut()) {
                throw new SearchTimeoutException(tenantId);
            }
            for (ScoreDoc hit : top.scoreDocs) {
                Object[] sortValues = ((FieldDoc) hit).fields;
                keys.add(new SearchSql.Key(((BytesRef) sortValues[1]).utf8ToString(), (Long) sortValues[2]));
            }
            boolean more = keys.size() > query.limit();
            List<SearchSql.Key> page = keys.subList(0, Math.min(query.limit(), keys.size()));
            Optional<SearchCursor> next = Optional.empty();
            if (more) {
                Object[] last = ((FieldDoc) top.scoreDocs[query.limit() - 1]).fields;
                next = Optional.of(new SearchCursor(
                        Instant.ofEpochMilli((Long) last[0]), ((BytesRef) last[1]).utf8ToString(), (Long) last[2]));
            }
            return new SearchPage(SearchSql.hits(connection, page), next);
        } finally {
            searchers.release(shared);
        }
    }

    /**
     * The query of {@code terms}, each term tokenized as the text was (one word: a term query; several: a phrase),
     * or empty when a required term has no word left (nothing can match it).
     */
    private Optional<Query> words(SearchTerms terms) {
        QueryBuilder tokens = new QueryBuilder(analyzer);
        BooleanQuery.Builder words = new BooleanQuery.Builder();
        for (String term : terms.required()) {
            Query word = tokens.createPhraseQuery(TEXT, term);
            if (word == null) {
                return Optional.empty();
            }
            words.add(word, Occur.MUST);
        }
        for (String term : terms.excluded()) {
            Query word = tokens.createPhraseQuery(TEXT, term);
            if (word != null) {
                words.add(word, Occur.MUST_NOT);
            }
        }
        return Optional.of(words.build());
    }

    /**
     * A place in the sort order. Ties on the sort values go by doc id, and none is after {@code lastDoc}: the only
     * document with the cursor's values (its message: room and seq are unique) is left out.
     */
    private static FieldDoc after(SearchCursor cursor, int lastDoc) {
        return new FieldDoc(
                lastDoc, Float.NaN, new Object[] {cursor.ts().toEpochMilli(), new BytesRef(cursor.room()), cursor.seq()
                });
    }

    /** Test access: searches from now on give up after {@code limit}. */
    void timeLimit(Duration limit) {
        timeLimit = limit;
    }

    /** Stops the indexer (what it has taken in is committed; the rest is caught up at the next open). */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        stopping = true;
        wake.release();
        // the index's last commit (its fsyncs) must not see a caller's interrupt
        try (InterruptSetAside caller = InterruptSetAside.take()) {
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    caller.interruptedMeanwhile();
                }
            }
            try {
                searchers.close();
                // with the marks of what it holds (the indexer has ended: its marks are ours to read): a close's own
                // commit would keep the last periodic commit's marks, and the next open would add their
                // documents again
                commitIndex();
                index.close();
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "tenant " + tenantId + ": search index not closed cleanly", e);
            } finally {
                Database.closeQuietly(directory);
                releaseWaiters(Long.MAX_VALUE);
            }
        }
    }

    /**
     * A thread's interrupt set aside while Lucene writes files, and put back after: an interrupt inside its file I/O
     * would fail an fsync (or close the index) and the flag would be lost.
     */
    private static final class InterruptSetAside implements AutoCloseable {
        private boolean interrupted;

        private InterruptSetAside(boolean interrupted) {
            this.interrupted = interrupted;
        }

        /** Clears the current thread's interrupt flag, to be set again at {@link #close} if it was set. */
        static InterruptSetAside take() {
            return new InterruptSetAside(Thread.interrupted());
        }

        /** An interrupt that came meanwhile (and was taken by the call it interrupted) is put back too. */
        void interruptedMeanwhile() {
            interrupted = true;
        }

        @Override
        public void close() {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        long lastCommit = System.nanoTime();
        long lastRefresh = System.nanoTime();
        boolean unseen = false; // indexed, not yet visible to searches
        boolean uncommitted = false;
        boolean openCaughtUp = false;
        while (!stopping) {
            long commit = announced.get();
            boolean failed = false;
            try {
                if (!openCaughtUp) {
                    unseen |= catchUpAtOpen();
                    openCaughtUp = true;
                }
                List<String> rooms = new ArrayList<>(pending);
                rooms.forEach(pending::remove);
                for (String room : rooms) {
                    try {
                        unseen |= indexRoom(room);
                    } catch (RuntimeException | IOException e) {
                        pending.add(room); // again on the next round
                        failed = true;
                        if (!stopping) {
                            LOG.log(Level.WARNING, "tenant " + tenantId + ": search indexing failed, retrying", e);
                        }
                    }
                }
                // A refresh writes a segment and a commit syncs files: at most once a second each, however busy the
                // tenant, and a refresh at once when a search waits for it.
                long now = System.nanoTime();
                if (unseen && (hasWaiters() || now - lastRefresh >= REFRESH_EVERY.toNanos())) {
                    searchers.maybeRefreshBlocking();
                    lastRefresh = now;
                    unseen = false;
                    uncommitted = true;
                }
                if (uncommitted && now - lastCommit >= COMMIT_EVERY.toNanos()) {
                    commitIndex();
                    lastCommit = now;
                    uncommitted = false;
                }
            } catch (RuntimeException | IOException e) {
                failed = true;
                if (!stopping) {
                    LOG.log(Level.WARNING, "tenant " + tenantId + ": search index failed, retrying", e);
                }
            }
            // searches wait no longer for a failed round: they read what the index has (the table has the rest)
            if (failed || !unseen) {
                takenIn = commit;
                releaseWaiters(commit);
            }
            if (failed) {
                sleepQuietly();
            } else {
                awaitWork();
            }
        }
    }

    /**
     * Waits for commits to index: a round at most every {@link #ROUND_PAUSE} while nobody searches (a busy tenant's
     * commits are taken in together: one read of each room's new entries, not one per commit), at once for a search.
     */
    private void awaitWork() {
        try {
            if (!hasWaiters()) {
                Thread.sleep(ROUND_PAUSE.toMillis());
            }
            if (wake.tryAcquire(1, TimeUnit.SECONDS)) {
                wake.drainPermits();
            }
        } catch (InterruptedException e) {
            // nobody interrupts this thread
        }
    }

    private boolean hasWaiters() {
        synchronized (waiters) {
            return !waiters.isEmpty();
        }
    }

    /** Rooms the table has more of than the index, and rooms the index has more of than the table (a crash). */
    private boolean catchUpAtOpen() throws IOException {
        Map<String, Long> ends = reads.read(LuceneSearch::roomEnds).join();
        boolean dirty = false;
        for (Map.Entry<String, Long> room : Map.copyOf(indexed).entrySet()) {
            long end = ends.getOrDefault(room.getKey(), 0L);
            if (room.getValue() > end) {
                index.deleteDocuments(new BooleanQuery.Builder()
                        .add(new TermQuery(new Term(ROOM, room.getKey())), Occur.FILTER)
                        .add(LongPoint.newRangeQuery(SEQ, end + 1, Long.MAX_VALUE), Occur.FILTER)
                        .build());
                indexed.put(room.getKey(), end);
                dirty = true;
            }
        }
        ends.forEach((room, end) -> {
            if (end > indexed.getOrDefault(room, 0L)) {
                pending.add(room);
            }
        });
        return dirty;
    }

    private static Map<String, Long> roomEnds(Connection connection) throws SQLException {
        Map<String, Long> ends = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(ROOM_ENDS);
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                ends.put(rows.getString(1), rows.getLong(2));
            }
        }
        return ends;
    }

    /** Indexes the room's entries after the last one indexed; true if there were any. */
    private boolean indexRoom(String room) throws IOException {
        boolean any = false;
        while (!stopping) {
            long after = indexed.getOrDefault(room, 0L);
            List<Entry> entries = reads.read(connection -> entriesAfter(connection, room, after))
                    .join();
            for (Entry entry : entries) {
                if (entry.kind() == EntryKind.MESSAGE) {
                    // its first document: no earlier one to replace, so no delete to buffer and apply at each flush
                    if (searchable(entry)) {
                        index.addDocument(document(room, entry));
                    }
                } else if (entry.kind() != EntryKind.REACTION) {
                    // an edit or deletion: the message's document is replaced or removed (rare: a query, not a key)
                    index.deleteDocuments(message(room, entry.message()));
                    if (searchable(entry)) {
                        index.addDocument(document(room, entry));
                    }
                }
                // entry by entry: a round that fails half-way is taken up after the last entry it indexed
                indexed.put(room, entry.seq());
                any = true;
            }
            if (entries.size() < BATCH) {
                return any;
            }
        }
        return any;
    }

    private static boolean searchable(Entry entry) {
        return !entry.deleted() && entry.text() != null;
    }

    /** The document of the message at {@code seq} of {@code room}. */
    private static Query message(String room, long seq) {
        return new BooleanQuery.Builder()
                .add(new TermQuery(new Term(ROOM, room)), Occur.FILTER)
                .add(LongPoint.newExactQuery(SEQ, seq), Occur.FILTER)
                .build();
    }

    /** An entry of the room and the state of the message it is (a message) or changes (an edit or deletion). */
    private record Entry(long seq, EntryKind kind, long message, String from, String text, long ts, boolean deleted) {}

    private static List<Entry> entriesAfter(Connection connection, String room, long after) throws SQLException {
        List<Entry> entries = new ArrayList<>(BATCH);
        try (PreparedStatement statement = connection.prepareStatement(ENTRIES_AFTER)) {
            statement.setString(1, room);
            statement.setLong(2, after);
            statement.setInt(3, BATCH);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    long seq = rows.getLong(1);
                    EntryKind kind = EntryKind.ofCode(rows.getInt(2));
                    if (kind == EntryKind.MESSAGE) {
                        entries.add(new Entry(
                                seq,
                                kind,
                                seq,
                                rows.getString(4),
                                rows.getString(5),
                                rows.getLong(6),
                                rows.getBoolean(7)));
                    } else {
                        // a change: its target's state (no row: nothing to index, text null)
                        entries.add(new Entry(
                                seq,
                                kind,
                                rows.getLong(3),
                                rows.getString(8),
                                rows.getString(9),
                                rows.getLong(10),
                                rows.getBoolean(11)));
                    }
                }
            }
        }
        return entries;
    }

    private static Document document(String room, Entry entry) {
        Document document = new Document();
        document.add(new StringField(ROOM, room, Field.Store.NO));
        document.add(new SortedDocValuesField(ROOM_ORDER, new BytesRef(room)));
        document.add(new StringField(FROM, entry.from(), Field.Store.NO));
        document.add(new NumericDocValuesField(TS, entry.ts()));
        document.add(new LongPoint(SEQ, entry.message()));
        document.add(new NumericDocValuesField(SEQ, entry.message()));
        document.add(new TextField(TEXT, entry.text(), Field.Store.NO));
        return document;
    }

    /** A Lucene commit that records, with the documents, how far each room was indexed. */
    private void commitIndex() throws IOException {
        Map<String, String> data = new HashMap<>();
        indexed.forEach((room, seq) -> data.put(SEQ_KEY + room, Long.toString(seq)));
        index.setLiveCommitData(data.entrySet());
        index.commit();
    }

    private void releaseWaiters(long commit) {
        List<Waiter> done = new ArrayList<>();
        synchronized (waiters) {
            waiters.removeIf(waiter -> waiter.commit() <= commit && done.add(waiter));
        }
        done.sort(Comparator.comparingLong(Waiter::commit));
        done.forEach(waiter -> waiter.done().complete(null));
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            // nobody interrupts this thread
        }
    }
}
