// Package formtest helps the fuzz tests of every form: it puts a fuzzed value into the field
// of a form struct named by the field's form name (its json tag), and checks that what a
// form's cleaning accepted is fit to store and show. Test code only; no feature imports it.
package formtest

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"dadirectory/internal/validate"
)

// Seeds are realistic and hostile values for any field: invalid UTF-8, NUL, markup, SQL,
// javascript: and protocol-relative links, path traversal, direction overrides, very long.
var Seeds = []string{
	"", " ", "Women's Aid", "0141 496 0123", "https://www.example.org", "duty@example.org", "motherwell", "2026-05-31",
	"2026-03-31T09:30", "20", "\xff\xfe", "a\x00b", "<script>alert(1)</script>", "<b>bold</b>", "'; DROP TABLE agencies;--",
	"javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "//evil.example", "../../etc/passwd",
	"line one\r\nline two", "\u202egpj.exe", "-1", "1e9999", "abc", strings.Repeat("a", 10000),
}

// Fields are the form names (json tags) of the string and []string fields of *ptr, embedded
// structs included.
func Fields(ptr any) []string {
	var out []string
	walk(reflect.ValueOf(ptr).Elem(), func(name string, _ reflect.Value) { out = append(out, name) })
	return out
}

// Set puts value into the field of *ptr whose form name is name: the value itself for a
// string, a one-element list for a []string. It reports whether there is such a field.
func Set(ptr any, name, value string) bool {
	found := false
	walk(reflect.ValueOf(ptr).Elem(), func(n string, f reflect.Value) {
		if n != name || found {
			return
		}
		found = true
		if f.Kind() == reflect.String {
			f.SetString(value)
		} else {
			f.Set(reflect.ValueOf([]string{value}))
		}
	})
	return found
}

func walk(v reflect.Value, fn func(string, reflect.Value)) {
	for i := 0; i < v.NumField(); i++ {
		sf, f := v.Type().Field(i), v.Field(i)
		if sf.Anonymous && f.Kind() == reflect.Struct {
			walk(f, fn)
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" || name == "-" || !sf.IsExported() {
			continue
		}
		if f.Kind() == reflect.String || (f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String) {
			fn(name, f)
		}
	}
}

// ErrorsNameFields fails when an error has no message or names a field that is not in
// fields and matches none of prefixes (numbered rows such as "phone_number_").
func ErrorsNameFields(t *testing.T, errs validate.Errors, fields []string, prefixes ...string) {
	t.Helper()
	for _, fe := range errs {
		ok := fe.Message != "" && slicesContains(fields, fe.Field)
		for _, p := range prefixes {
			ok = ok || (fe.Message != "" && strings.HasPrefix(fe.Field, p))
		}
		if !ok {
			t.Fatalf("error %+v names no field of the form %v", fe, fields)
		}
	}
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Storable fails when any string in v (walked through structs, slices and pointers) is
// invalid UTF-8 or holds a control character other than newline and tab, or when a field
// given a limit in max is longer than that many characters.
func Storable(t *testing.T, v any, max map[string]int) {
	t.Helper()
	var check func(path string, v reflect.Value)
	check = func(path string, v reflect.Value) {
		switch v.Kind() {
		case reflect.String:
			s := v.String()
			if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) {
				t.Fatalf("accepted %s = %q: not storable text", path, s)
			}
			name := path[strings.LastIndexByte(path, '.')+1:]
			if m, ok := max[name]; ok && utf8.RuneCountInString(s) > m {
				t.Fatalf("accepted %s of %d characters, over its limit of %d", path, utf8.RuneCountInString(s), m)
			}
		case reflect.Struct:
			for i := 0; i < v.NumField(); i++ {
				if v.Type().Field(i).IsExported() {
					check(path+"."+v.Type().Field(i).Name, v.Field(i))
				}
			}
		case reflect.Slice, reflect.Array:
			for i := 0; i < v.Len(); i++ {
				check(path, v.Index(i))
			}
		case reflect.Pointer, reflect.Interface:
			if !v.IsNil() {
				check(path, v.Elem())
			}
		}
	}
	check("", reflect.ValueOf(v))
}

// HasTag reports whether s holds what reads as an HTML tag: "<" then, after any spaces, a
// letter, "/", "!" or "?". Names and titles must not.
func HasTag(s string) bool {
	for i := strings.IndexByte(s, '<'); i >= 0; i = strings.IndexByte(s, '<') {
		s = s[i+1:]
		rest := strings.TrimLeftFunc(s, unicode.IsSpace)
		if rest != "" && (unicode.IsLetter(rune(rest[0])) && rest[0] < utf8.RuneSelf || strings.ContainsRune("/!?", rune(rest[0]))) {
			return true
		}
	}
	return false
}
