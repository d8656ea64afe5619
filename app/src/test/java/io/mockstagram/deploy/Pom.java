package io.mockstagram.deploy;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A pom.xml read as plain XML: what is written in it, before Maven interprets anything. */
final class Pom {

    private final Element project;

    private Pom(Element project) {
        this.project = project;
    }

    static Pom read(String relative) {
        Path file = Repository.file(relative);
        try {
            var factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(false);
            Document document = factory.newDocumentBuilder().parse(file.toFile());
            return new Pom(document.getDocumentElement());
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The text at a path of element names below {@code <project>}, as in "build/plugins". */
    Optional<String> text(String path) {
        return element(project, path).map(e -> e.getTextContent().trim());
    }

    Optional<Element> plugin(String section, String artifactId) {
        return element(project, section).flatMap(plugins -> children(plugins, "plugin").stream()
                .filter(p -> child(p, "artifactId").map(a -> a.getTextContent().trim().equals(artifactId)).orElse(false))
                .findFirst());
    }

    static Optional<Element> element(Element from, String path) {
        Element current = from;
        for (String name : path.split("/")) {
            Optional<Element> next = child(current, name);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            current = next.get();
        }
        return Optional.of(current);
    }

    static Optional<String> text(Element from, String path) {
        return element(from, path).map(e -> e.getTextContent().trim());
    }

    static Optional<Element> child(Element parent, String name) {
        return children(parent, name).stream().findFirst();
    }

    static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }

    static List<String> texts(Element parent, String path, String item) {
        return element(parent, path).map(list -> children(list, item).stream().map(e -> e.getTextContent().trim()).toList())
                .orElse(List.of());
    }
}
