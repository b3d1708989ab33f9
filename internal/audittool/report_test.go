package main

import (
	"strings"
	"testing"
)

func TestParseVNUMapsErrorsToPagesAndSkipsInfo(t *testing.T) {
	pages := map[string]page{
		"/w/tmp/audit/html/admin/003.html": {Role: "admin", URL: "/admin", File: "tmp/audit/html/admin/003.html"},
	}
	out := `{"version":"x","messages":[
{"type":"info","subType":"warning","url":"file:/w/tmp/audit/html/admin/003.html","message":"just a warning"},
{"type":"error","url":"file:/w/tmp/audit/html/admin/003.html","lastLine":7,"message":"Duplicate ID “main”.","extract":"<main id=\"main\">"},
{"type":"non-document-error","url":"file:/w/elsewhere.html","message":"IO error"}]}`
	fs, err := parseVNU([]byte(out), pages)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 {
		t.Fatalf("got %d findings, want 2: %+v", len(fs), fs)
	}
	var dup finding
	for _, f := range fs {
		if f.Page.Role == "admin" {
			dup = f
		}
	}
	if dup.Page.URL != "/admin" || dup.Line != 7 || !strings.Contains(dup.Message, "Duplicate ID") {
		t.Errorf("finding = %+v", dup)
	}
	if _, err := parseVNU([]byte("not json"), pages); err == nil {
		t.Error("unreadable checker output must be an error, not a pass")
	}
}

func TestParseLighthouseScoresAndLostPoints(t *testing.T) {
	report := `{"categories":{
 "performance":{"score":0.874,"auditRefs":[{"id":"speed-index","weight":10}]},
 "accessibility":{"score":0.93,"auditRefs":[{"id":"color-contrast","weight":7},{"id":"image-alt","weight":10},{"id":"manual","weight":0}]},
 "best-practices":{"score":1,"auditRefs":[]},
 "seo":{"score":null,"auditRefs":[]}},
 "audits":{
 "speed-index":{"title":"Speed Index","score":0.5,"scoreDisplayMode":"numeric"},
 "color-contrast":{"title":"Contrast","score":0,"scoreDisplayMode":"binary"},
 "image-alt":{"title":"Alt text","score":1,"scoreDisplayMode":"binary"},
 "manual":{"title":"Manual","score":0,"scoreDisplayMode":"binary"}}}`
	s, err := parseLighthouse([]byte(report))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"performance": 87, "accessibility": 93, "best-practices": 100, "seo": -1}
	for c, n := range want {
		if s.Scores[c] != n {
			t.Errorf("%s = %d, want %d", c, s.Scores[c], n)
		}
	}
	if got := s.Failed["accessibility"]; len(got) != 1 || !strings.Contains(got[0], "color-contrast") {
		t.Errorf("accessibility lost points on %q, want color-contrast only", got)
	}
	if _, err := parseLighthouse([]byte(`{"runtimeError":{"code":"NO_FCP","message":"no paint"}}`)); err == nil {
		t.Error("a runtime error must fail the page")
	}
}
