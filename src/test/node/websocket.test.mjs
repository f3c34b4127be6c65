// Core scenarios over: websocket. The server URL comes from SERVER_URL.
import { TRANSPORTS } from "./helpers.mjs";
import { scenarios } from "./scenarios.mjs";

scenarios("websocket", TRANSPORTS.websocket);
