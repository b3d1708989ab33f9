package library

import (
	"strings"
	"testing"

	"dadirectory/internal/edit"
)

func TestSlugFor(t *testing.T) {
	t.Parallel()
	for title, want := range map[string]string{
		"Housing Domestic Abuse Policy": "housing-domestic-abuse-policy",
		"Women's Aid & you":             "womens-aid-and-you",
		"  --Café  déjà vu!! ":          "cafe-deja-vu",
		"Safe & Together":               "safe-and-together",
		"MARAC: protocol (2024)":        "marac-protocol-2024",
		"!!!":                           "resource",
		"日本語":                           "resource",
		strings.Repeat("word ", 30):     strings.TrimSuffix(strings.Repeat("word-", 16), "-"),
	} {
		got := slugFor(title)
		if got != want || !edit.ValidSlug(got) {
			t.Errorf("slugFor(%q) = %q, want %q", title, got, want)
		}
	}
}

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

func FuzzSlugFor(f *testing.F) {
	for _, s := range []string{"Women's Aid", "", "-", "a--b", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		if got := slugFor(title); !edit.ValidSlug(got) {
			t.Errorf("slugFor(%q) = %q", title, got)
		}
	})
}
