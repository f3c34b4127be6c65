import { io } from "socket.io-client";

// Placeholder entry point; the real client replaces it.
document.getElementById("app").textContent = "Chat client (socket.io-client " + (io ? "loaded" : "missing") + ")";
