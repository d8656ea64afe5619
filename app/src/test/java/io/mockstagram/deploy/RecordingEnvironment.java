package io.mockstagram.deploy;

import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** An environment that remembers which variables were looked up, set or not. */
final class RecordingEnvironment extends AbstractMap<String, String> {

    private final Map<String, String> variables;
    private final Set<String> read = new TreeSet<>();

    RecordingEnvironment(Map<String, String> variables) {
        this.variables = Map.copyOf(variables);
    }

    @Override
    public String get(Object name) {
        read.add((String) name);
        return variables.get(name);
    }

    @Override
    public String getOrDefault(Object name, String fallback) {
        read.add((String) name);
        return variables.getOrDefault(name, fallback);
    }

    @Override
    public boolean containsKey(Object name) {
        read.add((String) name);
        return variables.containsKey(name);
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        throw new UnsupportedOperationException("settings look variables up by name; they never list them all");
    }

    Set<String> read() {
        return Set.copyOf(read);
    }
}
