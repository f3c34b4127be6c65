// Node socket.io 4.8.4 peer for scripts/bench (W1 fan-out): the same events as the other W1 servers.
//   join (room, ack)   -> socket.join(room); ack("ok")
//   m (room, payload)  -> io.to(room).emit("m", payload)   (every member, the sender too)
const { Server } = require("socket.io");
const port = parseInt(process.argv[2] || "3000", 10);
const io = new Server(port, { transports: ["websocket", "polling"], serveClient: false });
io.on("connection", (socket) => {
  socket.on("join", (room, ack) => { socket.join(room); if (typeof ack === "function") ack("ok"); });
  socket.on("m", (room, payload) => { io.to(room).emit("m", payload); });
});
console.log("node socket.io " + require("socket.io/package.json").version + " listening on " + port);
