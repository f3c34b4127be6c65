package io.chat.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.chat.testing.TestMachine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The web client's name rules ({@code src/main/web/src/names.js}, run by Node) and the server's ({@link TenantId},
 * {@link Names}) give the same answer for every name of a table: edge cases and random strings.
 */
class NameRulesAgreementTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALPHABET = "abzAZ09.-_/ #\n\u00e9\u0130\u212a";

    private static List<String> table() {
        Set<String> names = new LinkedHashSet<>(List.of(
                "",
                "a",
                "ab",
                "abc",
                "a-b",
                "a-c",
                "-ab",
                "ab-",
                "a--b",
                "1ab",
                "Abc",
                "aBc",
                "a.b",
                "a_b",
                "ab.",
                ".",
                "..",
                "...",
                "a b",
                " ab",
                "ab ",
                "abc\n",
                "\nabc",
                "ab/c",
                "#room",
                "caf\u00e9",
                "\u212aelvin",
                "\u0130stanbul",
                "a".repeat(31),
                "a".repeat(32),
                "a".repeat(33),
                "a".repeat(64),
                "a".repeat(65),
                "A".repeat(64),
                "A".repeat(65),
                "z".repeat(30) + "-9",
                "z".repeat(31) + "-",
                "0",
                "00",
                "000",
                "_",
                "general",
                "Room.Name_1-x",
                "x".repeat(1000)));
        Random random = new Random(12);
        // mostly from the characters the rules allow, so that every rule answers both ways many times
        String[] alphabets = {ALPHABET, "abz09-", "abz09-", "abz09._-", "aZ09._-"};
        while (names.size() < 3_000) {
            String alphabet = alphabets[random.nextInt(alphabets.length)];
            int length = random.nextInt(70);
            StringBuilder name = new StringBuilder();
            for (int i = 0; i < length; i++) {
                name.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            names.add(name.toString());
        }
        return new ArrayList<>(names);
    }

    @Test
    void theWebClientAndTheServerAgreeOnTenantIdsRoomNamesAndUsernames() throws Exception {
        String node = TestMachine.executable("node", "Node.js 20+ (apt-get install nodejs npm)");
        Path namesJs = Path.of("src/main/web/src/names.js").toAbsolutePath();
        assertTrue(Files.isRegularFile(namesJs), namesJs.toString());
        List<String> names = table();
        Path input = Files.createTempFile("names", ".json");
        Files.writeString(input, JSON.writeValueAsString(names));
        String script = "import * as rules from "
                + JSON.writeValueAsString(namesJs.toUri().toString()) + ";\n"
                + "import { readFileSync } from 'node:fs';\n"
                + "const names = JSON.parse(readFileSync(process.argv[1], 'utf8'));\n"
                + "process.stdout.write(JSON.stringify(names.map((n) => "
                + "[rules.isTenant(n), rules.isRoom(n), rules.USER_PATTERN.test(n)])));\n";
        Process process = new ProcessBuilder(node, "--input-type=module", "-e", script, input.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "node did not finish");
        assertEquals(0, process.exitValue(), "node failed: " + output);
        JsonNode answers = JSON.readTree(output);
        assertEquals(names.size(), answers.size());
        List<String> disagreements = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            JsonNode web = answers.get(i);
            compare(
                    disagreements,
                    "tenant id",
                    name,
                    web.get(0).asBoolean(),
                    TenantId.parse(name).isPresent());
            compare(disagreements, "room", name, web.get(1).asBoolean(), Names.isRoom(name));
            compare(disagreements, "username", name, web.get(2).asBoolean(), Names.isUsername(name));
        }
        assertEquals(List.of(), disagreements);
        // the table exercises both answers of every rule
        for (int rule = 0; rule < 3; rule++) {
            int r = rule;
            long valid = java.util.stream.IntStream.range(0, names.size())
                    .filter(i -> answers.get(i).get(r).asBoolean())
                    .count();
            assertTrue(valid > 20 && valid < names.size() - 20, "rule " + rule + ": " + valid + " valid");
        }
        Files.delete(input);
    }

    private static void compare(List<String> disagreements, String rule, String name, boolean web, boolean server) {
        if (web != server) {
            disagreements.add(rule + " " + JSON.valueToTree(name) + ": web client " + web + ", server " + server);
        }
    }
}
