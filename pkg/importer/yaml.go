package importer

import (
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParseYAML reads a YAML document whose top level maps sheet names to lists
// of rows, each row a mapping of column keys (or headers) to values:
//
//	units:
//	  - {code: SNV, name: Sở Nội vụ, kind: department}
//
// A list value (coordinating units) is read as a comma-separated cell. Row
// numbers are the YAML line of each row. It never fails: whatever is wrong
// is a Problem.
func ParseYAML(name string, r io.Reader) (*Batch, []Problem) {
	b, probs := parseYAML(name, r)
	b.problems = append(b.problems, probs...)
	return b, probs
}

func parseYAML(name string, r io.Reader) (*Batch, []Problem) {
	b := newBatch()
	var doc yaml.Node
	if err := yaml.NewDecoder(r).Decode(&doc); err != nil {
		if err == io.EOF {
			return b, nil
		}
		return b, []Problem{{File: name, Detail: invalid("", "Tệp YAML sai cú pháp: "+err.Error(), "malformed YAML: "+err.Error())}}
	}
	top := &doc
	if top.Kind == yaml.DocumentNode && len(top.Content) == 1 {
		top = top.Content[0]
	}
	if top.Kind != yaml.MappingNode {
		return b, []Problem{{File: name, Row: top.Line, Detail: invalid("",
			"Tệp YAML phải là ánh xạ tên trang → danh sách dòng", "the YAML file must map sheet names to lists of rows")}}
	}
	var probs []Problem
	for i := 0; i+1 < len(top.Content); i += 2 {
		key, list := top.Content[i], top.Content[i+1]
		if list.Kind != yaml.SequenceNode {
			probs = append(probs, Problem{File: name, Sheet: key.Value, Row: list.Line, Detail: invalid("",
				"Giá trị của một trang phải là danh sách dòng", "a sheet's value must be a list of rows")})
			continue
		}
		t := table{File: name, SheetName: key.Value, HeaderRow: key.Line}
		col := map[string]int{}
		for _, row := range list.Content {
			if row.Kind != yaml.MappingNode {
				probs = append(probs, Problem{File: name, Sheet: key.Value, Row: row.Line, Detail: invalid("",
					"Mỗi dòng phải là ánh xạ cột → giá trị", "each row must map columns to values")})
				continue
			}
			tr := tableRow{Num: row.Line}
			for j := 0; j+1 < len(row.Content); j += 2 {
				k, v := row.Content[j].Value, row.Content[j+1]
				idx, ok := col[k]
				if !ok {
					idx = len(t.Header)
					col[k] = idx
					t.Header = append(t.Header, k)
				}
				for len(tr.Cells) <= idx {
					tr.Cells = append(tr.Cells, "")
				}
				text, ok := scalarText(v)
				if !ok {
					probs = append(probs, Problem{File: name, Sheet: key.Value, Row: v.Line, Column: k, Detail: invalid("",
						"Giá trị phải là chữ, số hoặc danh sách", "a value must be text, a number or a list")})
					continue
				}
				tr.Cells[idx] = text
			}
			t.Rows = append(t.Rows, tr)
		}
		probs = append(probs, b.addTable(t)...)
	}
	return b, probs
}

// scalarText returns a scalar's text, or a list of scalars joined by commas.
func scalarText(n *yaml.Node) (string, bool) {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "", true
		}
		return n.Value, true
	case yaml.SequenceNode:
		var parts []string
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return "", false
			}
			parts = append(parts, c.Value)
		}
		return strings.Join(parts, ", "), true
	}
	return "", false
}
