package exchange

import (
	"archive/zip"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Limits of what an import reads.
const (
	MaxFile     = 20 << 20 // bytes of the uploaded file
	MaxEntries  = 32       // files in a zip
	MaxUnpacked = 64 << 20 // bytes of a zip's files, unpacked, in all
	MaxCell     = 20000    // bytes of one value
	MaxRows     = 100000   // rows of one table
	maxProblems = 500      // problems reported before giving up on a file
)

// source is where a row was read: a CSV file's row (the header is row 1, as a spreadsheet
// numbers them) or a JSON object's path.
type source struct {
	file string
	row  int
	path string
}

func (s source) String() string {
	switch {
	case s.row > 0:
		return s.file + " row " + strconv.Itoa(s.row)
	case s.path != "":
		return s.file + " " + s.path
	}
	return s.file
}

// Problem is one thing wrong with a file: where (file, row or path, and the column, when it
// is about one) and what, in words for the person who made the file.
type Problem struct {
	Where   string // "contacts.csv row 7", "directory.json organizations[2].services[0]", "upload.zip"
	Column  string // "email"; "" when about the whole row or file
	Message string
}

// FileError is a file that could not be read at all: not a zip or JSON document, over a
// limit, or malformed. Nothing was changed.
type FileError struct{ Problems []Problem }

func (e *FileError) Error() string {
	if len(e.Problems) == 0 {
		return "exchange: unreadable file"
	}
	return "exchange: " + e.Problems[0].Where + ": " + e.Problems[0].Message
}

func fileError(where, msg string) error {
	return &FileError{Problems: []Problem{{Where: where, Message: msg}}}
}

// parsed is a file read into rows, with the problems found reading it and the files it did
// not read.
type parsed struct {
	rows     rows
	problems []Problem
	ignored  []string
}

func (p *parsed) problem(at source, column, msg string) {
	if len(p.problems) < maxProblems {
		p.problems = append(p.problems, Problem{Where: at.String(), Column: column, Message: msg})
	}
}

// parse reads an uploaded file: a zip of the tabular package or a JSON document. name is the
// file's name, for messages.
func parse(name string, data []byte) (*parsed, error) {
	if name == "" {
		name = "the file"
	}
	if len(data) > MaxFile {
		return nil, fileError(name, fmt.Sprintf("The file is larger than %d MB.", MaxFile>>20))
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n\ufeff")
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return parseZip(name, data)
	case bytes.HasPrefix(trimmed, []byte("{")):
		return parseJSON(name, data)
	}
	return nil, fileError(name, "This is not an Open Referral file: choose the zip (CSV files and datapackage.json) or the JSON that an export makes.")
}

func parseZip(name string, data []byte) (*parsed, error) {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fileError(name, "The zip file is damaged and cannot be opened.")
	}
	if len(z.File) > MaxEntries {
		return nil, fileError(name, fmt.Sprintf("The zip holds %d files; an Open Referral package has at most %d.", len(z.File), MaxEntries))
	}
	p := &parsed{rows: rows{}}
	seen := map[string]bool{}
	budget := int64(MaxUnpacked)
	for _, f := range z.File {
		n := f.Name
		if n == "" || strings.Contains(n, "\\") || strings.HasPrefix(n, "/") || path.Clean(n) != n || strings.Contains(n, "..") {
			return nil, fileError(name, fmt.Sprintf("The zip holds a file named %q: names must be plain file names.", safeName(n)))
		}
		if strings.HasSuffix(n, "/") || f.FileInfo().IsDir() {
			continue
		}
		base := path.Base(n)
		if seen[base] {
			return nil, fileError(name, fmt.Sprintf("The zip holds %s twice.", safeName(base)))
		}
		seen[base] = true
		if f.UncompressedSize64 > uint64(budget) {
			return nil, fileError(name, fmt.Sprintf("The zip's files unpack to more than %d MB.", MaxUnpacked>>20))
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fileError(name, fmt.Sprintf("%s in the zip cannot be opened.", safeName(base)))
		}
		// The header's size is not trusted: read at most what is left of the budget.
		b, err := io.ReadAll(io.LimitReader(rc, budget+1))
		rc.Close()
		if err != nil {
			return nil, fileError(name, fmt.Sprintf("%s in the zip is damaged.", safeName(base)))
		}
		if int64(len(b)) > budget {
			return nil, fileError(name, fmt.Sprintf("The zip's files unpack to more than %d MB.", MaxUnpacked>>20))
		}
		budget -= int64(len(b))
		if base == "datapackage.json" {
			if !json.Valid(b) {
				p.problem(source{file: base}, "", "datapackage.json is not valid JSON.")
			}
			continue
		}
		t := tableByFile(base)
		if t == nil {
			p.ignored = append(p.ignored, safeName(base))
			continue
		}
		p.readCSV(t, b)
	}
	if len(p.rows["organization"]) == 0 && len(p.rows["service"]) == 0 && len(p.problems) == 0 {
		return nil, fileError(name, "The zip holds no organizations.csv or services.csv: it is not an Open Referral package.")
	}
	return p, nil
}

// safeName is a file name fit to show: valid UTF-8, no control characters, not too long.
func safeName(s string) string {
	s = strings.ToValidUTF8(s, "?")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return '?'
		}
		return r
	}, s)
	if utf8.RuneCountInString(s) > 80 {
		s = string([]rune(s)[:80]) + "…"
	}
	return s
}

// readCSV reads one table's CSV: a header row naming the columns (in any order; columns we do
// not use are ignored), then one row per object.
func (p *parsed) readCSV(t *table, b []byte) {
	b = bytes.TrimPrefix(b, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	at := source{file: t.file}
	header, err := r.Read()
	if err != nil {
		p.problem(at, "", "The file has no header row naming its columns.")
		return
	}
	cols := map[int]string{}
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if seen[h] && h != "" {
			p.problem(at, h, "The column "+safeName(h)+" appears twice in the header.")
			return
		}
		seen[h] = true
		if contains(t.fields, h) {
			cols[i] = h
		}
	}
	if !seen["id"] {
		p.problem(at, "id", "The header has no id column.")
		return
	}
	for n := 2; ; n++ {
		rec, err := r.Read()
		if err == io.EOF {
			return
		}
		at.row = n
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				p.problem(source{file: t.file, row: pe.StartLine}, "", "This row is not valid CSV: "+pe.Err.Error()+".")
			} else {
				p.problem(at, "", "This row is not valid CSV.")
			}
			return
		}
		if len(p.rows[t.name]) >= MaxRows {
			p.problem(at, "", fmt.Sprintf("The file has more than %d rows.", MaxRows))
			return
		}
		if len(rec) == 1 && rec[0] == "" {
			continue // a blank line
		}
		row := row{at: at, values: map[string]string{}}
		for i, v := range rec {
			c, known := cols[i]
			if !known {
				continue
			}
			v, msg := cell(c, v)
			if msg != "" {
				p.problem(at, c, msg)
				row.refuse(c)
				continue
			}
			row.values[c] = v
		}
		// Kept without the refused values, so that the rows linked to it are read as usual.
		p.rows[t.name] = append(p.rows[t.name], row)
	}
}

func (r *row) refuse(column string) {
	if r.bad == nil {
		r.bad = map[string]bool{}
	}
	r.bad[column] = true
}

// cell checks a raw CSV value of column c and undoes escapeCell; a message when it is refused.
func cell(c, v string) (string, string) {
	if len(v) > MaxCell {
		return "", fmt.Sprintf("The value is too long: %d characters at most.", MaxCell)
	}
	if !utf8.ValidString(v) {
		return "", "The value contains characters we cannot read: save the file as UTF-8."
	}
	if v == "" {
		return v, ""
	}
	if v[0] == '\'' {
		return v[1:], ""
	}
	if strings.ContainsRune("=+-@\t\r", rune(v[0])) && !(c == "number" && v[0] == '+' && len(v) > 1 && v[1] >= '0' && v[1] <= '9') {
		return "", "The value starts with " + strconv.Quote(v[:1]) + " and would run as a spreadsheet formula. " +
			"If it is meant as text, put an apostrophe (') in front of it."
	}
	return v, ""
}

// parseJSON reads the nested JSON document that export writes: taxonomies, taxonomy_terms and
// organizations at the top, the other objects nested in their parents (or at the top too).
func parseJSON(name string, data []byte) (*parsed, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fileError(name, fmt.Sprintf("The JSON is malformed at byte %d: %s.", se.Offset, se.Error()))
		}
		return nil, fileError(name, "The JSON is malformed: "+safeName(err.Error())+".")
	}
	if dec.More() {
		return nil, fileError(name, "The file holds more than one JSON document.")
	}
	top, ok := doc.(map[string]any)
	if !ok {
		return nil, fileError(name, "The JSON must be an object with organizations, taxonomies and taxonomy_terms.")
	}
	p := &parsed{rows: rows{}}
	for i := range tables {
		t := &tables[i]
		if v, ok := top[t.key]; ok {
			p.jsonArray(name, t, v, t.key, "")
		}
	}
	if len(p.rows["organization"]) == 0 && len(p.problems) == 0 {
		return nil, fileError(name, "The JSON has no organizations.")
	}
	return p, nil
}

// jsonArray reads an array of t's objects found at path; parentID fills the objects' link to
// the parent they are nested in.
func (p *parsed) jsonArray(file string, t *table, v any, at, parentID string) {
	list, ok := v.([]any)
	if !ok {
		p.problem(source{file: file, path: at}, "", "This must be a list of "+t.key+".")
		return
	}
	for i, item := range list {
		here := source{file: file, path: at + "[" + strconv.Itoa(i) + "]"}
		obj, ok := item.(map[string]any)
		if !ok {
			p.problem(here, "", "This must be an object.")
			continue
		}
		if len(p.rows[t.name]) >= MaxRows {
			p.problem(here, "", fmt.Sprintf("The file has more than %d %s.", MaxRows, t.key))
			return
		}
		r := row{at: here, values: map[string]string{}}
		for _, f := range t.fields {
			raw, present := obj[f]
			if !present || raw == nil {
				continue
			}
			s, isString := raw.(string)
			if !isString {
				p.problem(here, f, "This must be text (in quotes), not "+jsonKind(raw)+".")
				r.refuse(f)
				continue
			}
			if len(s) > MaxCell {
				p.problem(here, f, fmt.Sprintf("The value is too long: %d characters at most.", MaxCell))
				r.refuse(f)
				continue
			}
			r.values[f] = s
		}
		if t.fk != "" && parentID != "" {
			switch r.values[t.fk] {
			case "":
				r.values[t.fk] = parentID
			case parentID:
			default:
				p.problem(here, t.fk, "This names another parent than the one it is nested in.")
				r.refuse(t.fk)
			}
		}
		p.rows[t.name] = append(p.rows[t.name], r)
		for j := range tables {
			c := &tables[j]
			if c.parent == t.name {
				if v, has := obj[c.key]; has && v != nil {
					p.jsonArray(file, c, v, here.path+"."+c.key, r.values["id"])
				}
			}
		}
	}
}

func jsonKind(v any) string {
	switch v.(type) {
	case json.Number:
		return "a number"
	case bool:
		return "true or false"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return "this"
}
