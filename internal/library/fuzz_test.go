package library

import (
	"bytes"
	"io"
	"net/url"
	"strings"
	"testing"

	"dadirectory/internal/edit"
	"dadirectory/internal/searchform"
	"dadirectory/internal/validate"
	"dadirectory/internal/validate/formtest"
)

// Fuzz targets of the library's form, upload type detection and search query string (the
// file name and slug targets are in slug_test.go).

// FuzzCleanResource is the resource form with the fuzzed value in one of its fields.
func FuzzCleanResource(f *testing.F) {
	fields := formtest.Fields(&Input{})
	for i, s := range formtest.Seeds {
		f.Add(fields[i%len(fields)], s)
	}
	f.Add("url", "JAVASCRIPT:alert(1)")
	f.Add("url", "https:evil.example")
	f.Fuzz(func(t *testing.T, field, value string) {
		in := Input{Title: "Housing policy", Summary: "What it is.", Kind: "leaflet", Topics: []string{"housing"},
			Owner: "link-group", Visibility: Public, URL: "https://www.example.org/policy.pdf"}
		formtest.Set(&in, field, value)
		out, errs := clean(in)
		formtest.ErrorsNameFields(t, errs, fields)
		if len(errs) > 0 {
			return
		}
		formtest.Storable(t, out, map[string]int{"Title": maxTitle, "Summary": maxSummary})
		lower := strings.ToLower(out.URL)
		switch {
		case out.Title == "" || formtest.HasTag(out.Title) || strings.Contains(out.Summary, "\n"):
			t.Fatalf("accepted %+v", out)
		case out.URL != "" && !strings.HasPrefix(lower, "https://") && !strings.HasPrefix(lower, "http://"):
			t.Fatalf("accepted link %q", out.URL)
		case out.Owner != "" && !edit.ValidSlug(out.Owner):
			t.Fatalf("accepted owner %q", out.Owner)
		}
		for _, s := range out.Topics {
			if !edit.ValidSlug(s) {
				t.Fatalf("accepted topic %q", s)
			}
		}
	})
}

// FuzzInspectUpload is the upload's type detection: whatever the bytes and the name, it never
// panics, accepts only a listed type, names the download with that type's extension and no
// path, and a "PDF" starts with %PDF-. What it accepts is read back whole, head included.
func FuzzInspectUpload(f *testing.F) {
	pdf := []byte("%PDF-1.4\n% a test document\n%%EOF\n")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	for _, c := range []struct {
		name    string
		content []byte
	}{
		{"policy.pdf", pdf}, {"logo.png", png}, {"photo.jpg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00")},
		{"../../etc/passwd", []byte("root:x:0:0:root:/root:/bin/bash\n")},
		{"../../etc/passwd.pdf", []byte("<html><script>alert(1)</script>%PDF-1.4</html>")},
		{"evil.pdf", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>")},
		{"shell.pdf", []byte("#!/bin/sh\nrm -rf /\n")}, {"x.svg.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
		{"a\x00b.pdf", pdf}, {"\xff\xfe.pdf", pdf}, {"\u202efdp.exe", pdf}, {"empty.pdf", nil},
		{"zip.docx", []byte("PK\x03\x04\x14\x00\x00\x00\x08\x00")}, {"mentions.txt", append([]byte("hello "), pdf...)},
		{`C:\Users\x\report.docx`, pdf}, {strings.Repeat("a", 10000) + ".pdf", pdf},
	} {
		f.Add(c.name, c.content)
	}
	f.Fuzz(func(t *testing.T, name string, content []byte) {
		var e validate.Errors
		got, err := inspectUpload(&Upload{Filename: name, Size: int64(len(content)), Content: bytes.NewReader(content)}, "file", &e)
		if err != nil {
			t.Fatalf("error reading from memory: %v", err)
		}
		formtest.ErrorsNameFields(t, e, []string{fieldFile})
		if got == nil {
			if len(e) == 0 {
				t.Fatal("refused without saying why")
			}
			return
		}
		if len(e) > 0 {
			t.Fatalf("accepted with errors %v", e)
		}
		if _, ok := acceptedByType[got.typ.mime]; !ok {
			t.Fatalf("accepted type %q, not on the list", got.typ.mime)
		}
		if got.typ.mime == "application/pdf" && !bytes.HasPrefix(content, []byte("%PDF-")) {
			t.Fatalf("accepted as PDF: %q", content[:min(len(content), 40)])
		}
		if !strings.HasSuffix(got.filename, got.typ.ext) || strings.ContainsAny(got.filename, "/\\\x00\r\n\"") {
			t.Fatalf("download name %q for %q", got.filename, name)
		}
		if back, _ := io.ReadAll(got.content); !bytes.Equal(back, content) {
			t.Fatalf("content read back differs: %d bytes of %d", len(back), len(content))
		}
	})
}

// FuzzResourceQuery is /resources' query string: a Query within its limits or an InputError.
// The shared reading of text, slugs and page has its own target (searchform's FuzzForm); this
// one covers the library's fields.
func FuzzResourceQuery(f *testing.F) {
	for _, s := range []string{"q=dash&kind=form_checklist&topic=marac&owner=link-group&page=2", "kind=recipe", "q=%ff%fe",
		"q=%00", "topic=../../etc", "page=1e9999", "owner='; DROP TABLE agencies;--", "kind=<script>", "page=0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		q, err := ParseQuery(v)
		if err != nil {
			if ie, ok := err.(*searchform.InputError); !ok || ie.Field == "" || ie.Message == "" {
				t.Fatalf("error %#v", err)
			}
			return
		}
		formtest.Storable(t, q, map[string]int{"Text": searchform.MaxTextRunes})
		if q.Page < 1 || q.Page > searchform.MaxPage || len(q.Kinds) > searchform.MaxValues || len(q.Topics) > searchform.MaxValues ||
			len(q.Owners) > searchform.MaxValues {
			t.Fatalf("accepted %+v", q)
		}
		for _, k := range q.Kinds {
			if !Kind(k).valid() {
				t.Fatalf("accepted kind %q", k)
			}
		}
		for _, s := range append(append([]string{}, q.Topics...), q.Owners...) {
			if !edit.ValidSlug(s) {
				t.Fatalf("accepted %q", s)
			}
		}
	})
}
