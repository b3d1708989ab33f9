package main

import (
	"os"
	"strings"
	"testing"
	"time"
)

func TestVerdict(t *testing.T) {
	search := target{Name: "broad", MinRatio: 0.15, MaxP99: 30 * time.Millisecond}
	ceiling := wrkResult{RPS: 10000}
	for _, c := range []struct {
		name string
		row  row
		want string
	}{
		{"meets both", row{search, ceiling, wrkResult{RPS: 1500, P99: 29 * time.Millisecond}}, "PASS"},
		{"ratio short", row{search, ceiling, wrkResult{RPS: 1499, P99: 10 * time.Millisecond}}, "FAIL: ratio"},
		{"p99 at the limit", row{search, ceiling, wrkResult{RPS: 5000, P99: 30 * time.Millisecond}}, "FAIL: p99"},
		{"fast but some errors", row{search, ceiling, wrkResult{RPS: 5000, P99: time.Millisecond, Non2xx3xx: 1}}, "FAIL: 1 non-2xx/3xx"},
		{"timeouts", row{search, ceiling, wrkResult{RPS: 5000, P99: time.Millisecond, SocketErrors: 3, Timeouts: 3}}, "FAIL: 3 socket errors (3 timeouts)"},
		{"nginx failing", row{search, wrkResult{RPS: 10000, SocketErrors: 2}, wrkResult{RPS: 5000}}, "FAIL: nginx: 2 errors, ceiling unreliable"},
		{"no goal", row{target{Name: "home"}, ceiling, wrkResult{RPS: 1}}, "(no goal)"},
	} {
		if got := c.row.verdict(); got != c.want {
			t.Errorf("%s: verdict %q, want %q", c.name, got, c.want)
		}
	}
}

// The table judges the page-weight and memory goals from what was measured.
func TestReportGoals(t *testing.T) {
	rep := report{
		Rows: []row{
			{target: target{Name: "empty", Paths: []string{"/directory", "/directory?page=2"},
				Bodies: [][]byte{make([]byte, 59_000), make([]byte, 59_999)}}},
			{target: target{Name: "agency", Paths: []string{"/agencies/x"}, Bodies: [][]byte{make([]byte, 90_000)}}},
		},
		Assets: []asset{{"/static/site.css", 20_000}, {"/static/exit.js", 10_000}},
		HWM:    149_000_000,
	}
	var b strings.Builder
	rep.write(&b)
	out := b.String()
	for _, want := range []string{
		"Goal < 150 MB: **PASS**",
		"largest page 59,999 bytes (empty `/directory?page=2`). Goal < 60 KB: **PASS**", // the agency page is not a /directory page
		"| empty | 2 | ", "| 59,499 |", // paths, and the mean size
		"30,000 bytes (`/static/site.css` 20,000, `/static/exit.js` 10,000), uncompressed. Goal < 30 KB: **FAIL**",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

// readStatus reads this test process's own memory figures, which are never zero.
func TestReadStatus(t *testing.T) {
	hwm, rss, err := readStatus("/proc/self/status")
	if err != nil {
		if _, serr := os.Stat("/proc/self/status"); serr != nil {
			t.Skip("no /proc")
		}
		t.Fatal(err)
	}
	if rss <= 0 || hwm < rss {
		t.Errorf("VmHWM %d, VmRSS %d: want 0 < VmRSS <= VmHWM", hwm, rss)
	}
}

func TestIsCSSOrJS(t *testing.T) {
	for u, want := range map[string]bool{
		"/static/site.ad635616b9b4.css": true,
		"/static/exit.0ce8bfdf1a4f.js":  true,
		"/static/site.css?v=2":          true,
		"/static/icon.svg":              false,
		"/static/data.json":             false,
	} {
		if got := isCSSOrJS(u); got != want {
			t.Errorf("isCSSOrJS(%q) = %v", u, got)
		}
	}
}
