package io.chat;

import java.util.OptionalInt;

/** Command-line flags: {@code --conformance} and {@code --port N}. */
record Arguments(boolean conformance, OptionalInt port) {
    static Arguments parse(String[] args) {
        boolean conformance = false;
        OptionalInt port = OptionalInt.empty();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--conformance" -> conformance = true;
                case "--port" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--port needs a number");
                    }
                    port = OptionalInt.of(Integer.parseInt(args[++i]));
                }
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        return new Arguments(conformance, port);
    }
}
