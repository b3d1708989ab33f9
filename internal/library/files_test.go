package library

import (
	"strings"
	"testing"
)

func TestCleanFilename(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"report.pdf":               "report.pdf",
		"REPORT.PDF":               "REPORT.pdf",
		"a/b/c.pdf":                "c.pdf",
		"evil.html":                "evil.html.pdf",
		"x\r\nContent-Type: a.pdf": "xContent-Type_ a.pdf",
		"semi;colon%.pdf":          "semi_colon_.pdf",
		"  .hidden.pdf":            "hidden.pdf",
		strings.Repeat("é", 150):   strings.Repeat("é", 100) + ".pdf",
		"":                         "fallback.pdf",
	} {
		if got := cleanFilename(in, ".pdf", "fallback"); got != want {
			t.Errorf("cleanFilename(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzCleanFilename(f *testing.F) {
	for _, s := range []string{"report.pdf", "a\x00b", "\xff\xfe", `C:\x\y.docx`, "\u202egpj.exe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		got := cleanFilename(name, ".pdf", "file")
		if !strings.HasSuffix(got, ".pdf") || strings.ContainsAny(got, "/\\\"\r\n\x00;") || len([]rune(got)) > 104 {
			t.Errorf("cleanFilename(%q) = %q", name, got)
		}
	})
}
