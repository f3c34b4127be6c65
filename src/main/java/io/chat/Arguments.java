package io.chat;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Command-line flags: {@code --conformance} and {@code --port N}; or {@code --migrate-to-cluster} with
 * {@code --tenants-dir DIR} and {@code --skip-existing} (scripts/migrate-to-cluster).
 */
record Arguments(
        boolean conformance,
        OptionalInt port,
        boolean migrateToCluster,
        Optional<Path> tenantsDir,
        boolean skipExisting) {
    static Arguments parse(String[] args) {
        boolean conformance = false;
        OptionalInt port = OptionalInt.empty();
        boolean migrate = false;
        Optional<Path> tenantsDir = Optional.empty();
        boolean skipExisting = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--conformance" -> conformance = true;
                case "--port" -> port = OptionalInt.of(Integer.parseInt(value(args, ++i, "--port needs a number")));
                case "--migrate-to-cluster" -> migrate = true;
                case "--tenants-dir" ->
                    tenantsDir = Optional.of(Path.of(value(args, ++i, "--tenants-dir needs a folder")));
                case "--skip-existing" -> skipExisting = true;
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (!migrate && (tenantsDir.isPresent() || skipExisting)) {
            throw new IllegalArgumentException("--tenants-dir and --skip-existing go with --migrate-to-cluster");
        }
        if (migrate && (conformance || port.isPresent())) {
            throw new IllegalArgumentException("--migrate-to-cluster takes no --conformance or --port");
        }
        return new Arguments(conformance, port, migrate, tenantsDir, skipExisting);
    }

    private static String value(String[] args, int index, String missing) {
        if (index >= args.length) {
            throw new IllegalArgumentException(missing);
        }
        return args[index];
    }
}
