package io.chat.bench;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What keeps the big arrays of a heap dump alive: reads an HPROF file ({@code jcmd <pid> GC.heap_dump FILE}) and
 * prints its byte[] and char[] of at least {@code minLength} elements grouped by the chain of referrers up to a GC
 * root (class and field at each step), the groups that hold the most bytes first. Found that each idle socket kept
 * Jackson's per-thread buffers (issue 15). Usage: {@code HeapDumpPaths <file.hprof> [minLength 1024] [groups 20]
 * [class]}: with a class name (as in a class histogram, {@code java.util.Stack}), its instances instead of the big
 * arrays, grouped the same way (who holds each socket's small objects). Needs a heap of about four times the
 * dump's size.
 */
public final class HeapDumpPaths {
    private static final int MAX_DEPTH = 14;

    private record ClassInfo(long superId, long[] fieldNames, byte[] fieldTypes) {}

    private int idSize;
    private DataInputStream in;
    private final Map<Long, String> strings = new HashMap<>();
    private final Map<Long, String> classNames = new HashMap<>();
    private final Map<Long, ClassInfo> classes = new HashMap<>();
    private final Map<Long, Long> instanceClass = new HashMap<>();
    private final Map<Long, byte[]> instanceFields = new HashMap<>();
    private final Map<Long, Long> arrayClass = new HashMap<>();
    private final Map<Long, long[]> arrayElements = new HashMap<>();
    private final Map<Long, String> bigArrays = new HashMap<>();
    private final Map<Long, String> roots = new HashMap<>();
    private final Map<Long, List<Long>> referrers = new HashMap<>();
    /** Group this class's instances rather than the big arrays; null for the arrays. */
    private String targetClass;

    public static void main(String[] args) throws IOException {
        int minLength = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        int groups = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        HeapDumpPaths dump = new HeapDumpPaths();
        dump.targetClass = args.length > 3 ? args[3] : null;
        try (InputStream file = new BufferedInputStream(Files.newInputStream(Path.of(args[0])), 1 << 20)) {
            dump.read(new DataInputStream(file), minLength);
        }
        dump.linkReferrers();
        dump.print(groups);
    }

    private void read(DataInputStream input, int minLength) throws IOException {
        in = input;
        while (in.read() > 0) {
            // the format's name, up to its NUL
        }
        idSize = in.readInt();
        in.readLong();
        int tag;
        while ((tag = in.read()) >= 0) {
            in.readInt();
            long length = in.readInt() & 0xFFFFFFFFL;
            switch (tag) {
                case 0x01 -> {
                    long id = id();
                    strings.put(id, new String(in.readNBytes((int) (length - idSize)), StandardCharsets.UTF_8));
                }
                case 0x02 -> {
                    in.readInt();
                    long classId = id();
                    in.readInt();
                    classNames.put(classId, strings.get(id()));
                }
                case 0x0C, 0x1C -> heapRecords(length, minLength);
                default -> in.skipNBytes(length);
            }
        }
    }

    /** One heap dump (segment): roots, classes, instances and arrays. */
    private void heapRecords(long length, int minLength) throws IOException {
        long read = 0;
        while (read < length) {
            int kind = in.read();
            read += 1;
            switch (kind) {
                case 0xFF, 0x05, 0x07 -> read += root(id(), kind == 0x05 ? "sticky class" : "other", 0);
                case 0x01 -> read += root(id(), "JNI global", idSize);
                case 0x02 -> read += root(id(), "JNI local", 8);
                case 0x03 -> read += root(id(), "Java frame", 8);
                case 0x04, 0x06 -> read += root(id(), "native stack or thread block", 4);
                case 0x08 -> read += root(id(), "thread object", 8);
                case 0x20 -> read += classDump();
                case 0x21 -> {
                    long id = id();
                    in.readInt();
                    long classId = id();
                    int size = in.readInt();
                    instanceClass.put(id, classId);
                    instanceFields.put(id, in.readNBytes(size));
                    read += 2L * idSize + 8 + size;
                }
                case 0x22 -> {
                    long id = id();
                    in.readInt();
                    int count = in.readInt();
                    arrayClass.put(id, id());
                    long[] elements = new long[count];
                    for (int i = 0; i < count; i++) {
                        elements[i] = id();
                    }
                    arrayElements.put(id, elements);
                    read += 2L * idSize + 8 + (long) count * idSize;
                }
                case 0x23 -> {
                    long id = id();
                    in.readInt();
                    int count = in.readInt();
                    int type = in.read();
                    long bytes = (long) count * typeSize(type);
                    in.skipNBytes(bytes);
                    if (count >= minLength && (type == 5 || type == 8)) {
                        bigArrays.put(id, (type == 5 ? "char[" : "byte[") + count + "]");
                    }
                    read += idSize + 9 + bytes;
                }
                default -> throw new IOException("unknown heap record " + kind + " (not an HPROF 1.0.2 dump?)");
            }
        }
    }

    private long root(long id, String kind, int rest) throws IOException {
        in.skipNBytes(rest);
        roots.putIfAbsent(id, kind);
        return idSize + rest;
    }

    private long classDump() throws IOException {
        long id = id();
        in.readInt();
        long superId = id();
        in.skipNBytes(5L * idSize + 4);
        long read = 7L * idSize + 8;
        int constants = in.readUnsignedShort();
        read += 2;
        for (int i = 0; i < constants; i++) {
            in.readUnsignedShort();
            int size = typeSize(in.read());
            in.skipNBytes(size);
            read += 3 + size;
        }
        int statics = in.readUnsignedShort();
        read += 2;
        for (int i = 0; i < statics; i++) {
            in.skipNBytes(idSize);
            int size = typeSize(in.read());
            in.skipNBytes(size);
            read += idSize + 1 + size;
        }
        int fields = in.readUnsignedShort();
        read += 2;
        long[] names = new long[fields];
        byte[] types = new byte[fields];
        for (int i = 0; i < fields; i++) {
            names[i] = id();
            types[i] = (byte) in.read();
            read += idSize + 1;
        }
        classes.put(id, new ClassInfo(superId, names, types));
        return read;
    }

    private long id() throws IOException {
        return idSize == 8 ? in.readLong() : in.readInt() & 0xFFFFFFFFL;
    }

    private int typeSize(int type) {
        return switch (type) {
            case 2 -> idSize;
            case 4, 8 -> 1;
            case 5, 9 -> 2;
            case 6, 10 -> 4;
            case 7, 11 -> 8;
            default -> throw new IllegalStateException("unknown field type " + type);
        };
    }

    private void linkReferrers() {
        instanceFields.forEach((id, data) -> references(id, data, (field, target) -> addReferrer(target, id)));
        arrayElements.forEach((id, elements) -> {
            for (long element : elements) {
                addReferrer(element, id);
            }
        });
    }

    private void addReferrer(long target, long referrer) {
        if (target != 0) {
            referrers.computeIfAbsent(target, t -> new ArrayList<>(1)).add(referrer);
        }
    }

    private interface Reference {
        void to(String field, long target);
    }

    /** The object fields of an instance, its class's first, then its superclasses'. */
    private void references(long id, byte[] data, Reference reference) {
        ByteBuffer fields = ByteBuffer.wrap(data);
        for (Long type = instanceClass.get(id); type != null && classes.containsKey(type); ) {
            ClassInfo info = classes.get(type);
            for (int i = 0; i < info.fieldTypes.length; i++) {
                if (info.fieldTypes[i] == 2) {
                    long target = idSize == 8 ? fields.getLong() : fields.getInt() & 0xFFFFFFFFL;
                    reference.to(strings.get(info.fieldNames[i]), target);
                } else {
                    fields.position(fields.position() + typeSize(info.fieldTypes[i]));
                }
            }
            type = info.superId == 0 ? null : info.superId;
        }
    }

    private void print(int groups) {
        Map<String, long[]> byPath = new HashMap<>();
        if (targetClass != null) {
            instanceClass.forEach((id, type) -> {
                if (targetClass.equals(label(id))) {
                    long[] group = byPath.computeIfAbsent(targetClass + pathToRoot(id), path -> new long[2]);
                    group[0]++;
                    group[1] += instanceFields.get(id).length;
                }
            });
        }
        bigArrays.forEach((id, array) -> {
            if (targetClass != null) {
                return;
            }
            long[] group = byPath.computeIfAbsent(array + pathToRoot(id), path -> new long[2]);
            int length = Integer.parseInt(array.substring(5, array.length() - 1));
            group[0]++;
            group[1] += array.startsWith("char") ? 2L * length : length;
        });
        byPath.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .limit(groups)
                .forEach(group -> System.out.printf(
                        "%,d x, %,d bytes: %s%n%n", group.getValue()[0], group.getValue()[1], group.getKey()));
    }

    /**
     * The first referrer at each step not seen yet, with the field that points down, up to a root (the array itself
     * may be a root and held on the heap too).
     */
    private String pathToRoot(long id) {
        StringBuilder path = new StringBuilder();
        Set<Long> seen = new HashSet<>();
        long current = id;
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            seen.add(current);
            String root = roots.get(current);
            if (root != null && depth > 0) {
                return path.append("\n    <= GC root: ").append(root).toString();
            }
            if (root != null) {
                // a local of some stack frame, say: what on the heap holds it too is more telling
                path.append(" (a GC root: ").append(root).append(')');
            }
            long referrer = referrers.getOrDefault(current, List.of()).stream()
                    .filter(r -> !seen.contains(r))
                    .findFirst()
                    .orElse(0L);
            if (referrer == 0) {
                return path.append("\n    <= (no other referrer)").toString();
            }
            path.append("\n    <= ").append(label(referrer)).append(fieldTo(referrer, current));
            current = referrer;
        }
        return path.append("\n    <= ...").toString();
    }

    private String label(long id) {
        Long type = instanceClass.containsKey(id) ? instanceClass.get(id) : arrayClass.get(id);
        return type == null ? "?" : classNames.getOrDefault(type, "?").replace('/', '.');
    }

    private String fieldTo(long referrer, long target) {
        byte[] data = instanceFields.get(referrer);
        if (data == null) {
            return "[]";
        }
        StringBuilder names = new StringBuilder();
        references(referrer, data, (field, value) -> {
            if (value == target) {
                names.append('.').append(field);
            }
        });
        return names.toString();
    }
}
