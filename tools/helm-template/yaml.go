package main

// A YAML reader for the subset Helm values files and Chart.yaml use: block mappings and sequences, plain, single-
// and double-quoted scalars, flow sequences of scalars ([a, "b"]), empty flow mappings ({}), and comments. Anything
// else (block scalars | >, anchors, multi-document files, flow mappings with content) is an error naming the line,
// never a silent misreading. Stdlib only, so the chart can be rendered where helm is not installed.

import (
	"fmt"
	"strconv"
	"strings"
)

type yamlLine struct {
	number int
	indent int
	text   string // without indentation and comment
}

type yamlReader struct {
	lines []yamlLine
	pos   int
	file  string
}

func parseYAML(file string, source string) (interface{}, error) {
	r := &yamlReader{file: file}
	for i, raw := range strings.Split(strings.ReplaceAll(source, "\r\n", "\n"), "\n") {
		text := stripComment(raw)
		trimmed := strings.TrimSpace(text)
		if trimmed == "" || trimmed == "---" {
			if trimmed == "---" && len(r.lines) > 0 {
				return nil, fmt.Errorf("%s:%d: multi-document YAML is not supported", file, i+1)
			}
			continue
		}
		if strings.Contains(raw, "\t") && strings.HasPrefix(strings.TrimLeft(raw, " "), "\t") {
			return nil, fmt.Errorf("%s:%d: tabs are not allowed for indentation", file, i+1)
		}
		indent := len(text) - len(strings.TrimLeft(text, " "))
		r.lines = append(r.lines, yamlLine{number: i + 1, indent: indent, text: strings.TrimRight(trimmed, " ")})
	}
	if len(r.lines) == 0 {
		return map[string]interface{}{}, nil
	}
	value, err := r.block(r.lines[0].indent)
	if err != nil {
		return nil, err
	}
	if r.pos < len(r.lines) {
		return nil, r.errorf(r.lines[r.pos], "unexpected indentation")
	}
	return value, nil
}

// stripComment removes a `#` comment that starts the line or follows a space, outside quotes.
func stripComment(line string) string {
	var quote rune
	for i, c := range line {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '#' && (i == 0 || line[i-1] == ' '):
			return line[:i]
		}
	}
	return line
}

func (r *yamlReader) errorf(line yamlLine, format string, args ...interface{}) error {
	return fmt.Errorf("%s:%d: %s", r.file, line.number, fmt.Sprintf(format, args...))
}

// block reads the mapping or sequence whose lines start at `indent`.
func (r *yamlReader) block(indent int) (interface{}, error) {
	line := r.lines[r.pos]
	if line.text == "-" || strings.HasPrefix(line.text, "- ") {
		return r.sequence(indent)
	}
	return r.mapping(indent)
}

func (r *yamlReader) sequence(indent int) (interface{}, error) {
	items := []interface{}{}
	for r.pos < len(r.lines) {
		line := r.lines[r.pos]
		if line.indent < indent {
			break
		}
		if line.indent > indent || !(line.text == "-" || strings.HasPrefix(line.text, "- ")) {
			return nil, r.errorf(line, "expected a sequence item at indentation %d", indent)
		}
		rest := strings.TrimSpace(strings.TrimPrefix(line.text, "-"))
		switch {
		case rest == "":
			r.pos++
			if r.pos >= len(r.lines) || r.lines[r.pos].indent <= indent {
				items = append(items, nil)
				continue
			}
			value, err := r.block(r.lines[r.pos].indent)
			if err != nil {
				return nil, err
			}
			items = append(items, value)
		case isMappingEntry(rest):
			// `- key: value`: a mapping whose keys line up with `key`; read it as if the dash were a space.
			column := line.indent + len(line.text) - len(rest)
			r.lines[r.pos] = yamlLine{number: line.number, indent: column, text: rest}
			value, err := r.mapping(column)
			if err != nil {
				return nil, err
			}
			items = append(items, value)
		default:
			value, err := r.scalar(line, rest)
			if err != nil {
				return nil, err
			}
			items = append(items, value)
			r.pos++
		}
	}
	return items, nil
}

func (r *yamlReader) mapping(indent int) (interface{}, error) {
	result := map[string]interface{}{}
	for r.pos < len(r.lines) {
		line := r.lines[r.pos]
		if line.indent < indent {
			break
		}
		if line.indent > indent {
			return nil, r.errorf(line, "unexpected indentation")
		}
		if !isMappingEntry(line.text) {
			return nil, r.errorf(line, "expected `key: value`")
		}
		key, rest := splitEntry(line.text)
		key, err := r.key(line, key)
		if err != nil {
			return nil, err
		}
		if _, seen := result[key]; seen {
			return nil, r.errorf(line, "duplicate key %q", key)
		}
		r.pos++
		if rest != "" {
			if result[key], err = r.scalar(line, rest); err != nil {
				return nil, err
			}
			continue
		}
		// A nested block: deeper, or a sequence at the same indentation (`key:` then `- item`).
		if r.pos < len(r.lines) {
			next := r.lines[r.pos]
			isItem := next.text == "-" || strings.HasPrefix(next.text, "- ")
			if next.indent > indent || (next.indent == indent && isItem) {
				if result[key], err = r.block(next.indent); err != nil {
					return nil, err
				}
				continue
			}
		}
		result[key] = nil
	}
	return result, nil
}

// isMappingEntry: `key:` or `key: value`, with a plain or quoted key.
func isMappingEntry(text string) bool {
	key, _ := splitEntry(text)
	return key != ""
}

func splitEntry(text string) (string, string) {
	if strings.HasPrefix(text, "\"") || strings.HasPrefix(text, "'") {
		end := strings.IndexByte(text[1:], text[0])
		if end < 0 {
			return "", ""
		}
		after := text[end+2:]
		if after == ":" || strings.HasPrefix(after, ": ") {
			return text[:end+2], strings.TrimSpace(after[1:])
		}
		return "", ""
	}
	if strings.HasPrefix(text, "[") || strings.HasPrefix(text, "{") {
		return "", ""
	}
	if i := strings.Index(text, ": "); i > 0 {
		return text[:i], strings.TrimSpace(text[i+2:])
	}
	if strings.HasSuffix(text, ":") && len(text) > 1 {
		return text[:len(text)-1], ""
	}
	return "", ""
}

func (r *yamlReader) key(line yamlLine, key string) (string, error) {
	value, err := r.scalar(line, key)
	if err != nil {
		return "", err
	}
	return fmt.Sprint(value), nil
}

func (r *yamlReader) scalar(line yamlLine, text string) (interface{}, error) {
	switch {
	case strings.HasPrefix(text, "|") || strings.HasPrefix(text, ">"):
		return nil, r.errorf(line, "block scalars (| and >) are not supported")
	case strings.HasPrefix(text, "&") || strings.HasPrefix(text, "*") || strings.HasPrefix(text, "!"):
		return nil, r.errorf(line, "anchors, aliases and tags are not supported")
	case strings.HasPrefix(text, "\""):
		value, err := strconv.Unquote(text)
		if err != nil {
			return nil, r.errorf(line, "bad double-quoted string %s", text)
		}
		return value, nil
	case strings.HasPrefix(text, "'"):
		if len(text) < 2 || !strings.HasSuffix(text, "'") {
			return nil, r.errorf(line, "bad single-quoted string %s", text)
		}
		return strings.ReplaceAll(text[1:len(text)-1], "''", "'"), nil
	case text == "{}":
		return map[string]interface{}{}, nil
	case strings.HasPrefix(text, "{"):
		return nil, r.errorf(line, "flow mappings other than {} are not supported")
	case strings.HasPrefix(text, "["):
		if !strings.HasSuffix(text, "]") {
			return nil, r.errorf(line, "a flow sequence must end on its line")
		}
		items := []interface{}{}
		inner := strings.TrimSpace(text[1 : len(text)-1])
		if inner == "" {
			return items, nil
		}
		for _, part := range splitFlow(inner) {
			part = strings.TrimSpace(part)
			if strings.HasPrefix(part, "[") || strings.HasPrefix(part, "{") {
				return nil, r.errorf(line, "nested flow collections are not supported")
			}
			value, err := r.scalar(line, part)
			if err != nil {
				return nil, err
			}
			items = append(items, value)
		}
		return items, nil
	}
	return plainScalar(text), nil
}

// splitFlow splits `a, "b, c", d` on the commas outside quotes.
func splitFlow(text string) []string {
	var parts []string
	var quote rune
	start := 0
	for i, c := range text {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == ',':
			parts = append(parts, text[start:i])
			start = i + 1
		}
	}
	return append(parts, text[start:])
}

// plainScalar types an unquoted scalar as YAML 1.2's core schema does (what Helm's values end up as).
func plainScalar(text string) interface{} {
	switch text {
	case "null", "Null", "NULL", "~":
		return nil
	case "true", "True", "TRUE":
		return true
	case "false", "False", "FALSE":
		return false
	}
	if i, err := strconv.ParseInt(text, 10, 64); err == nil {
		return i
	}
	if f, err := strconv.ParseFloat(text, 64); err == nil && !strings.ContainsAny(text, "xXpP_") {
		return f
	}
	return text
}
