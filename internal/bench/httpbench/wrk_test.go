package main

import (
	"strings"
	"testing"
	"time"
)

// A report as wrk 4.1 prints it with --latency, including the error lines it adds only when
// something went wrong.
const wrkReport = `Running 10s test @ http://127.0.0.1:40123/directory?q=support
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.43ms    2.10ms  48.17ms   80.12%
    Req/Sec     2.97k   215.33     3.41k    71.50%
  Latency Distribution
     50%  456.78us
     75%    6.01ms
     90%    7.89ms
     99%    1.02s
  59130 requests in 10.01s, 1.27GB read
  Socket errors: connect 0, read 3, write 0, timeout 7
  Non-2xx or 3xx responses: 12
Requests/sec:   5907.21
Transfer/sec:    129.62MB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk(wrkReport)
	if err != nil {
		t.Fatal(err)
	}
	want := wrkResult{RPS: 5907.21, P50: 456780 * time.Nanosecond, P99: 1020 * time.Millisecond,
		Requests: 59130, Non2xx3xx: 12, SocketErrors: 10, Timeouts: 7}
	if r != want {
		t.Errorf("parseWrk = %+v, want %+v", r, want)
	}
}

// A report without the latency distribution (wrk run without --latency, or cut short) is an
// error, not a row of zeros.
func TestParseWrkIncomplete(t *testing.T) {
	if _, err := parseWrk("Requests/sec:   5907.21\n"); err == nil {
		t.Error("no error for a report without percentiles")
	}
}

func TestParseWrkDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"0.00us": 0,
		"812us":  812 * time.Microsecond,
		"1.23ms": 1230 * time.Microsecond,
		"2.5s":   2500 * time.Millisecond,
		"1.50m":  90 * time.Second,
	} {
		if got, err := parseWrkDuration(in); err != nil || got != want {
			t.Errorf("parseWrkDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "12", "ms", "-1ms", "1.2ns"} {
		if _, err := parseWrkDuration(in); err == nil {
			t.Errorf("parseWrkDuration(%q): no error", in)
		}
	}
}

// The script asks every path in turn, as a Lua string wrk can read.
func TestWrkScript(t *testing.T) {
	got := wrkScript([]string{"/directory?q=refuge+in+wishaw&page=2", "/agencies/a-b"})
	for _, want := range []string{`"/directory?q=refuge+in+wishaw&page=2",`, `"/agencies/a-b",`, "i = i % #paths + 1", `wrk.format("GET", paths[i])`} {
		if !strings.Contains(got, want) {
			t.Errorf("script lacks %q:\n%s", want, got)
		}
	}
}

func TestTwoTypos(t *testing.T) {
	got := twoTypos([]string{"community", "accommodation", "short"}, 4)
	want := []string{"cmmnity", "acommdation", "comnity", "accmmdation"}
	if len(got) != len(want) {
		t.Fatalf("twoTypos = %q", got)
	}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("twoTypos[%d] = %q, want %q", i, got[i], w)
		}
	}
}

// Every spelling differs from the word by two letters left out, and none repeats.
func TestTwoTyposAreDistinct(t *testing.T) {
	got := twoTypos([]string{"community", "accommodation"}, 1000)
	if len(got) < 20 {
		t.Fatalf("%d spellings, want 20 or more", len(got))
	}
	seen := map[string]bool{}
	for _, s := range got {
		if seen[s] {
			t.Errorf("%q twice", s)
		}
		seen[s] = true
		if len(s) != len("community")-2 && len(s) != len("accommodation")-2 {
			t.Errorf("%q is not two letters short", s)
		}
	}
}
