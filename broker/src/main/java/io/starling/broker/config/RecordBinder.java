package io.starling.broker.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Binds a YAML tree onto the configuration records, component by component, over a default instance. The keys
 * come from the record components themselves (camelCase to kebab-case), so a component added to a record is a
 * key in the file without touching the loader, and the records' constructors stay the one place values are
 * validated.
 */
final class RecordBinder {

    private final String source;

    RecordBinder(String source) {
        this.source = source;
    }

    /** Binds {@code node} (a YAML mapping) onto {@code type}; keys not present keep their value in {@code defaults}. */
    <R extends Record> R bind(Class<R> type, JsonNode node, R defaults, String path) {
        RecordComponent[] components = type.getRecordComponents();
        Map<String, RecordComponent> byKey = new LinkedHashMap<>();
        for (RecordComponent component : components) {
            byKey.put(kebabCase(component.getName()), component);
        }
        rejectUnknownKeys(node, byKey, path);

        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            String key = kebabCase(component.getName());
            Object defaultValue = read(component, defaults);
            JsonNode child = node.get(key);
            values[i] = child == null ? defaultValue : convert(child, component.getGenericType(), defaultValue,
                    join(path, key));
            types[i] = component.getType();
        }
        return type.cast(construct(type, types, values, path));
    }

    private void rejectUnknownKeys(JsonNode node, Map<String, RecordComponent> byKey, String path) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!byKey.containsKey(name)) {
                throw error(join(path, name), "unknown key; " + (path.isEmpty() ? "top-level" : "'" + path + "'")
                        + " keys are " + String.join(", ", byKey.keySet()));
            }
        }
    }

    private Object convert(JsonNode node, Type type, Object defaultValue, String path) {
        Class<?> raw = rawClass(type);
        if (raw.isRecord()) {
            if (node.isNull()) {
                return defaultValue; // a section whose keys are all commented out
            }
            requireMapping(node, path);
            return bindRecord(raw, node, defaultValue, path);
        }
        if (raw == List.class) {
            return node.isNull() ? defaultValue : convertList(node, type, defaultValue, path);
        }
        if (node.isNull()) {
            throw error(path, "needs a value");
        }
        return convertScalar(node, raw, path);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object bindRecord(Class<?> raw, JsonNode node, Object defaultValue, String path) {
        Record defaults = defaultValue != null ? (Record) defaultValue : defaultInstance((Class) raw);
        return bind((Class) raw, node, defaults, path);
    }

    private Object convertList(JsonNode node, Type type, Object defaultValue, String path) {
        if (!node.isArray()) {
            throw error(path, "expected a list, found " + describe(node));
        }
        if (!(type instanceof ParameterizedType parameterized)) {
            throw new IllegalStateException("list without an element type at " + path);
        }
        Type elementType = parameterized.getActualTypeArguments()[0];
        List<?> defaults = defaultValue instanceof List<?> list ? list : List.of();
        List<Object> result = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            // Element i is read over default element i when there is one (the default listener), otherwise over
            // the element type's own DEFAULT.
            Object elementDefault = i < defaults.size() ? defaults.get(i) : null;
            result.add(convert(node.get(i), elementType, elementDefault, path + "[" + i + "]"));
        }
        return result;
    }

    private Object convertScalar(JsonNode node, Class<?> raw, String path) {
        if (raw == Duration.class) {
            return duration(node, path);
        }
        if (raw == int.class || raw == Integer.class) {
            requireWholeNumber(node, path);
            if (!node.canConvertToInt()) {
                throw error(path, "number out of range: " + node.asText());
            }
            return node.intValue();
        }
        if (raw == long.class || raw == Long.class) {
            requireWholeNumber(node, path);
            if (!node.canConvertToLong()) {
                throw error(path, "number out of range: " + node.asText());
            }
            return node.longValue();
        }
        if (raw == double.class || raw == Double.class) {
            if (!node.isNumber()) {
                throw error(path, "expected a number, found " + describe(node));
            }
            return node.doubleValue();
        }
        if (raw == boolean.class || raw == Boolean.class) {
            if (!node.isBoolean()) {
                throw error(path, "expected true or false, found " + describe(node));
            }
            return node.booleanValue();
        }
        if (raw == String.class) {
            if (!node.isTextual() && !node.isNumber()) {
                throw error(path, "expected text, found " + describe(node));
            }
            return node.asText();
        }
        if (raw.isEnum()) {
            return enumConstant(raw, node, path);
        }
        throw new IllegalStateException("no conversion for " + raw.getName() + " at " + path);
    }

    private Duration duration(JsonNode node, String path) {
        if (node.isIntegralNumber() && node.canConvertToLong() && node.longValue() >= 0) {
            return Duration.ofSeconds(node.longValue());
        }
        if (!node.isTextual()) {
            throw error(path, "expected a duration (" + Durations.EXPECTED + "), found " + describe(node));
        }
        try {
            return Durations.parse(node.textValue());
        } catch (IllegalArgumentException e) {
            throw error(path, e.getMessage());
        }
    }

    private Object enumConstant(Class<?> raw, JsonNode node, String path) {
        Object[] constants = raw.getEnumConstants();
        if (node.isTextual()) {
            // drop-oldest, drop_oldest and DROP_OLDEST all name DROP_OLDEST.
            String wanted = node.textValue().strip().toLowerCase(Locale.ROOT).replace('_', '-');
            for (Object constant : constants) {
                if (enumName(constant).equals(wanted)) {
                    return constant;
                }
            }
        }
        String allowed = java.util.Arrays.stream(constants).map(RecordBinder::enumName)
                .collect(Collectors.joining(", "));
        throw error(path, "expected one of " + allowed + ", found " + describe(node));
    }

    private Object construct(Class<?> type, Class<?>[] types, Object[] values, String path) {
        try {
            Constructor<?> canonical = type.getDeclaredConstructor(types);
            return canonical.newInstance(values);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException) {
                // The records validate their own values; their messages already name the key, except for list
                // elements, which only the binder can place.
                String message = ConfigLoader.oneLine(cause.getMessage());
                String where = path.isEmpty() || message.startsWith(path) ? "" : path + ": ";
                throw new ConfigException(source + ": " + where + message, cause);
            }
            throw new IllegalStateException("cannot construct " + type.getSimpleName(), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getSimpleName(), e);
        }
    }

    private void requireMapping(JsonNode node, String path) {
        if (!node.isObject()) {
            throw error(path, "expected a mapping of keys, found " + describe(node));
        }
    }

    private void requireWholeNumber(JsonNode node, String path) {
        if (!node.isIntegralNumber()) {
            throw error(path, "expected a whole number, found " + describe(node));
        }
    }

    private ConfigException error(String path, String problem) {
        return new ConfigException(source + ": " + path + ": " + problem);
    }

    /** The dotted key paths of a record type, depth first, list elements written {@code name[]}. */
    static List<String> keyPaths(Class<?> type, String prefix) {
        List<String> paths = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            String path = join(prefix, kebabCase(component.getName()));
            Class<?> raw = component.getType();
            if (raw.isRecord()) {
                paths.addAll(keyPaths(raw, path));
            } else if (raw == List.class
                    && component.getGenericType() instanceof ParameterizedType parameterized
                    && rawClass(parameterized.getActualTypeArguments()[0]).isRecord()) {
                paths.addAll(keyPaths(rawClass(parameterized.getActualTypeArguments()[0]), path + "[]"));
            } else {
                paths.add(path);
            }
        }
        return paths;
    }

    static String describe(JsonNode node) {
        if (node.isTextual()) {
            return "'" + node.textValue() + "'";
        }
        if (node.isObject()) {
            return "a mapping";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.isNull() ? "no value" : node.asText();
    }

    static String kebabCase(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static String enumName(Object constant) {
        return ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static Object read(RecordComponent component, Record instance) {
        try {
            return component.getAccessor().invoke(instance);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + component, e);
        }
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType parameterized) {
            return (Class<?>) parameterized.getRawType();
        }
        throw new IllegalStateException("unsupported type " + type);
    }

    /** The record type's {@code public static final DEFAULT} instance. */
    private static <R extends Record> R defaultInstance(Class<R> type) {
        try {
            Field field = type.getField("DEFAULT");
            if (!Modifier.isStatic(field.getModifiers())) {
                throw new IllegalStateException(type.getSimpleName() + ".DEFAULT is not static");
            }
            return type.cast(field.get(null));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getSimpleName() + " has no DEFAULT instance", e);
        }
    }
}
