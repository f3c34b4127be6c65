// Prints, as one JSON line, notepack.io's encoding (hex) of each value NotepackGoldenTest knows by name: the
// codec of @socket.io/redis-adapter and @socket.io/redis-emitter, at the version they install (package-lock.json).
import notepack from "notepack.io";

const a = (n) => "a".repeat(n);
const fixtures = {
  ints: [0, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, 9007199254740991],
  negatives: [-1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649, -9007199254740991],
  floats: [1.5, -0.25, 0.1],
  hugeFloat: 1e300,
  strings: [a(31), a(32), a(255), a(256), a(65535), a(65536), "é😀"],
  nested: { a: [1, { b: null }], c: true, d: false, "": "empty key" },
  buffer: Buffer.from([1, 2, 3]),
  buffer16: Buffer.alloc(256, 7),
  broadcast: ["emitter", { type: 2, data: ["ev", 1, Buffer.from([9])], nsp: "/acme" }, { rooms: ["r"], flags: {}, except: [] }],
  // values only JavaScript has: we decode them, never write them
  arrayBuffer: new Uint8Array([4, 5]).buffer,
  undefinedInArray: [undefined, 1],
  date: new Date(1700000000000),
};
const out = {};
for (const [name, value] of Object.entries(fixtures)) {
  out[name] = Buffer.from(notepack.encode(value)).toString("hex");
}
console.log(JSON.stringify(out));
