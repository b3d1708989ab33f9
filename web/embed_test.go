package web

import (
	"bytes"
	"strings"
	"testing"
)

func TestStylesheetIsServedWithoutComments(t *testing.T) {
	a, err := NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	u := a.URL("site.css")
	body := a.files[strings.TrimPrefix(u, "/static/")].body
	src, err := files.ReadFile("static/site.css")
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(body, []byte("/*")) || !bytes.Contains(src, []byte("/*")) || len(body) >= len(src) {
		t.Errorf("served %d bytes of %d, comments left: %v", len(body), len(src), bytes.Contains(body, []byte("/*")))
	}
	if got := string(stripComments([]byte("a { b: c; } /* why */\nd { e: f; }\n"))); got != "a { b: c; } d { e: f; }\n" {
		t.Errorf("stripComments: %q", got)
	}
}
