package dev.duplex.app.bench;

import dev.duplex.testkit.Json;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs {@code duplex bench ... --json} in this JVM and parses what it printed. */
record BenchRun(int exitCode, Map<String, Object> json, String stdout, String stderr) {

    static BenchRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        CommandLine cli = new CommandLine(new BenchCommand().output(o, e)).setErr(new java.io.PrintWriter(e, true));
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--json");
        int code = cli.execute(all.toArray(String[]::new));
        String stdout = out.toString(StandardCharsets.UTF_8).trim();
        Map<String, Object> json = stdout.isEmpty() ? Map.of() : Json.parseObject(stdout);
        return new BenchRun(code, json, stdout, err.toString(StandardCharsets.UTF_8));
    }

    long number(String... path) {
        Object v = at(path);
        if (!(v instanceof Number n)) {
            throw new AssertionError(String.join(".", path) + " is " + v + " in " + stdout);
        }
        return n.longValue();
    }

    double decimal(String... path) {
        Object v = at(path);
        if (!(v instanceof Number n)) {
            throw new AssertionError(String.join(".", path) + " is " + v + " in " + stdout);
        }
        return n.doubleValue();
    }

    @SuppressWarnings("unchecked")
    Object at(String... path) {
        Object v = json;
        for (String key : path) {
            if (!(v instanceof Map)) {
                throw new AssertionError("no " + String.join(".", path) + " in " + stdout);
            }
            Map<String, Object> m = (Map<String, Object>) v;
            if (!m.containsKey(key)) {
                throw new AssertionError("no field " + String.join(".", path) + " in " + stdout);
            }
            v = m.get(key);
        }
        return v;
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\nstdout: " + stdout + "\nstderr: " + stderr;
    }
}
