// Command helm-template renders a Helm chart the way `helm template` does, for the charts of this repository where
// no helm binary can be installed (Debian 12 has no helm package). It implements Go's text/template plus the few
// Helm/sprig functions deployments/helm/reloader uses: include, toYaml (which emits JSON, valid YAML), indent,
// nindent, quote, default, required, int, join, trimSuffix, contains, trim, splitList, fail, and the .Values,
// .Release, .Chart objects. Values come from the chart's values.yaml, then each -f file deep-merged over it, as
// helm does.
//
//	cd tools/helm-template && go run . [--name reloader] [--namespace reloader] [-f values.yaml ...] CHART_DIR
//
// Stdlib only. A template that needs a function this does not implement fails to parse, naming the function.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/template"
)

type valueFiles []string

func (v *valueFiles) String() string     { return strings.Join(*v, ",") }
func (v *valueFiles) Set(s string) error { *v = append(*v, s); return nil }

func main() {
	var files valueFiles
	name := flag.String("name", "reloader", "release name (.Release.Name)")
	namespace := flag.String("namespace", "reloader", "release namespace (.Release.Namespace)")
	flag.Var(&files, "f", "values file merged over the chart's values.yaml (repeatable)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: helm-template [--name N] [--namespace NS] [-f values.yaml ...] CHART_DIR")
		os.Exit(2)
	}
	out, err := render(flag.Arg(0), *name, *namespace, files)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helm-template:", err)
		os.Exit(1)
	}
	os.Stdout.WriteString(out)
}

func readYAMLFile(path string) (map[string]interface{}, error) {
	source, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	value, err := parseYAML(path, string(source))
	if err != nil {
		return nil, err
	}
	if value == nil {
		return map[string]interface{}{}, nil
	}
	mapping, ok := value.(map[string]interface{})
	if !ok {
		return nil, fmt.Errorf("%s: the top level must be a mapping", path)
	}
	return mapping, nil
}

// merge deep-merges override into base: mappings merge key by key, anything else replaces (helm's coalescing;
// a null in the override removes the key, as in helm).
func merge(base, override map[string]interface{}) map[string]interface{} {
	result := map[string]interface{}{}
	for k, v := range base {
		result[k] = v
	}
	for k, v := range override {
		if v == nil {
			delete(result, k)
			continue
		}
		baseMap, baseIsMap := result[k].(map[string]interface{})
		overrideMap, overrideIsMap := v.(map[string]interface{})
		if baseIsMap && overrideIsMap {
			result[k] = merge(baseMap, overrideMap)
		} else {
			result[k] = v
		}
	}
	return result
}

func render(chartDir, releaseName, namespace string, valueFiles []string) (string, error) {
	chart, err := readYAMLFile(filepath.Join(chartDir, "Chart.yaml"))
	if err != nil {
		return "", err
	}
	chartName, _ := chart["name"].(string)
	if chartName == "" {
		return "", errors.New("Chart.yaml has no name")
	}
	values, err := readYAMLFile(filepath.Join(chartDir, "values.yaml"))
	if err != nil {
		return "", err
	}
	for _, file := range valueFiles {
		override, err := readYAMLFile(file)
		if err != nil {
			return "", err
		}
		values = merge(values, override)
	}
	data := map[string]interface{}{
		"Values":  values,
		"Release": map[string]interface{}{"Name": releaseName, "Namespace": namespace, "Service": "Helm"},
		"Chart": map[string]interface{}{
			"Name": chartName, "Version": chart["version"], "AppVersion": chart["appVersion"],
		},
	}

	paths, err := filepath.Glob(filepath.Join(chartDir, "templates", "*"))
	if err != nil {
		return "", err
	}
	sort.Strings(paths)
	root := template.New(chartName).Option("missingkey=zero")
	root.Funcs(functions(root))
	var rendered []string
	for _, path := range paths {
		if !strings.HasSuffix(path, ".yaml") && !strings.HasSuffix(path, ".tpl") {
			continue
		}
		source, err := os.ReadFile(path)
		if err != nil {
			return "", err
		}
		name := chartName + "/templates/" + filepath.Base(path)
		if _, err := root.New(name).Parse(string(source)); err != nil {
			return "", err
		}
		if strings.HasSuffix(path, ".yaml") && !strings.HasPrefix(filepath.Base(path), "_") {
			rendered = append(rendered, name)
		}
	}
	var out strings.Builder
	for _, name := range rendered {
		var buffer bytes.Buffer
		if err := root.ExecuteTemplate(&buffer, name, data); err != nil {
			return "", err
		}
		// Helm prints missing values as empty, not "<no value>".
		text := strings.ReplaceAll(buffer.String(), "<no value>", "")
		if strings.TrimSpace(text) == "" {
			continue
		}
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", name, strings.TrimSpace(text))
	}
	return out.String(), nil
}

func functions(root *template.Template) template.FuncMap {
	return template.FuncMap{
		"include": func(name string, data interface{}) (string, error) {
			var buffer bytes.Buffer
			err := root.ExecuteTemplate(&buffer, name, data)
			return strings.ReplaceAll(buffer.String(), "<no value>", ""), err
		},
		// JSON is YAML; helm's toYaml gives block YAML, which parses to the same objects.
		"toYaml": func(value interface{}) (string, error) {
			encoded, err := json.Marshal(value)
			return string(encoded), err
		},
		"indent": func(spaces int, text string) string {
			pad := strings.Repeat(" ", spaces)
			return pad + strings.ReplaceAll(text, "\n", "\n"+pad)
		},
		"nindent": func(spaces int, text string) string {
			pad := strings.Repeat(" ", spaces)
			return "\n" + pad + strings.ReplaceAll(text, "\n", "\n"+pad)
		},
		"quote": func(values ...interface{}) string {
			quoted := make([]string, 0, len(values))
			for _, v := range values {
				if v != nil {
					quoted = append(quoted, fmt.Sprintf("%q", fmt.Sprint(v)))
				}
			}
			return strings.Join(quoted, " ")
		},
		"default": func(fallback interface{}, given ...interface{}) interface{} {
			if len(given) == 0 || isEmpty(given[0]) {
				return fallback
			}
			return given[0]
		},
		"required": func(message string, value interface{}) (interface{}, error) {
			if value == nil || value == "" {
				return nil, errors.New(message)
			}
			return value, nil
		},
		"int": func(value interface{}) (int, error) {
			switch v := value.(type) {
			case int64:
				return int(v), nil
			case int:
				return v, nil
			case float64:
				return int(v), nil
			case nil:
				return 0, nil
			}
			return 0, fmt.Errorf("int: %v is not a number", value)
		},
		"join": func(separator string, list interface{}) (string, error) {
			switch v := list.(type) {
			case []interface{}:
				parts := make([]string, len(v))
				for i, item := range v {
					parts[i] = fmt.Sprint(item)
				}
				return strings.Join(parts, separator), nil
			case string:
				return v, nil
			case nil:
				return "", nil
			}
			return "", fmt.Errorf("join: %v is not a list", list)
		},
		"trimSuffix": func(suffix, text string) string { return strings.TrimSuffix(text, suffix) },
		"contains":   func(part, text string) bool { return strings.Contains(text, part) },
		"trim":       strings.TrimSpace,
		"splitList": func(separator, text string) []interface{} {
			parts := []interface{}{}
			for _, part := range strings.Split(text, separator) {
				parts = append(parts, part)
			}
			return parts
		},
		"fail": func(message string) (string, error) { return "", errors.New(message) },
	}
}

// isEmpty is sprig's `empty`: nil, false, 0, "" and empty collections.
func isEmpty(value interface{}) bool {
	switch v := value.(type) {
	case nil:
		return true
	case bool:
		return !v
	case string:
		return v == ""
	case int64:
		return v == 0
	case int:
		return v == 0
	case float64:
		return v == 0
	case []interface{}:
		return len(v) == 0
	case map[string]interface{}:
		return len(v) == 0
	}
	return false
}
