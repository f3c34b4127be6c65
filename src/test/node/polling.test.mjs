// Core scenarios over: polling. The server URL comes from SERVER_URL.
import { TRANSPORTS } from "./helpers.mjs";
import { scenarios } from "./scenarios.mjs";

scenarios("polling", TRANSPORTS.polling);
