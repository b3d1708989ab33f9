package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Goals of issue 6 that are not per row. Sizes in decimal units (1 KB = 1,000 bytes), the
// stricter reading.
const (
	maxDirectoryHTML = 60_000
	maxCSSJS         = 30_000
	maxRSS           = 150_000_000
)

// row is one target's measurements.
type row struct {
	target
	Nginx, App wrkResult
}

// report is everything the run measured.
type report struct {
	When     time.Time
	Agencies int
	Duration time.Duration
	Cores    int
	Load     string // /proc/loadavg before the run: the machine may be shared
	Rows     []row
	Assets   []asset
	HWM, RSS int64
	Profile  string // what happened to BENCH_PROFILE
	Stream   streamResult
	Versions string
}

func passFail(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

// verdict judges one row: the goals, and every app response a 200 with no socket error.
func (r row) verdict() string {
	var why []string
	if r.App.Non2xx3xx > 0 {
		why = append(why, fmt.Sprintf("%d non-2xx/3xx", r.App.Non2xx3xx))
	}
	if r.App.SocketErrors > 0 {
		why = append(why, fmt.Sprintf("%d socket errors (%d timeouts)", r.App.SocketErrors, r.App.Timeouts))
	}
	if n := r.Nginx.Non2xx3xx + r.Nginx.SocketErrors; n > 0 {
		why = append(why, fmt.Sprintf("nginx: %d errors, ceiling unreliable", n))
	}
	if r.MinRatio > 0 && r.ratio() < r.MinRatio {
		why = append(why, "ratio")
	}
	if r.MaxP99 > 0 && r.App.P99 >= r.MaxP99 {
		why = append(why, "p99")
	}
	if len(why) > 0 {
		return "FAIL: " + strings.Join(why, ", ")
	}
	if r.MinRatio == 0 && r.MaxP99 == 0 {
		return "(no goal)"
	}
	return "PASS"
}

func (r row) ratio() float64 {
	if r.Nginx.RPS == 0 {
		return 0
	}
	return r.App.RPS / r.Nginx.RPS
}

func (r row) goal() string {
	var g []string
	if r.MinRatio > 0 {
		g = append(g, fmt.Sprintf("≥ %.0f%%", r.MinRatio*100))
	}
	if r.MaxP99 > 0 {
		g = append(g, "p99 < "+r.MaxP99.String())
	}
	if len(g) == 0 {
		return "-"
	}
	return strings.Join(g, ", ")
}

// meanBytes is the mean size of the row's pages.
func (r row) meanBytes() int {
	if len(r.Bodies) == 0 {
		return len(r.Body)
	}
	total := 0
	for _, b := range r.Bodies {
		total += len(b)
	}
	return total / len(r.Bodies)
}

func (rep report) write(w io.Writer) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("## HTTP load: the app against nginx serving the same bytes\n\n")
	p("%s. %s synthetic agencies. `wrk -t2 -c32 -d%s --latency`, after a 2 s warm-up, against nginx "+
		"first, then against the app. %d cores, load average before the run: %s. %s.\n\n",
		rep.When.UTC().Format("2006-01-02 15:04 MST"), thousands(int64(rep.Agencies)), rep.Duration,
		rep.Cores, rep.Load, rep.Versions)
	p("| target | paths | first path | mean page bytes | nginx req/s | app req/s | ratio | app p50 | app p99 | goal | result |\n")
	p("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n")
	for _, r := range rep.Rows {
		p("| %s | %d | `%s` | %s | %s | %s | %.1f%% | %s | %s | %s | %s |\n", r.Name, max(len(r.Paths), 1), r.Path,
			thousands(int64(r.meanBytes())), thousands(int64(r.Nginx.RPS)), thousands(int64(r.App.RPS)),
			r.ratio()*100, ms(r.App.P50), ms(r.App.P99), r.goal(), r.verdict())
	}
	p("\n")
	var biggest struct {
		Name string
		Body []byte
	}
	for _, r := range rep.Rows {
		for i, b := range r.Bodies {
			if strings.HasPrefix(r.Paths[i], "/directory") && len(b) > len(biggest.Body) {
				biggest.Name, biggest.Body = r.Name+" `"+r.Paths[i]+"`", b
			}
		}
	}
	var assets int
	var names []string
	for _, a := range rep.Assets {
		assets += a.Bytes
		names = append(names, fmt.Sprintf("`%s` %s", a.URL, thousands(int64(a.Bytes))))
	}
	p("- App peak resident memory: **%s MB** (VmHWM, since start; largest VmRSS sampled under load %s MB). "+
		"Goal < 150 MB: **%s**\n", mb(rep.HWM), mb(rep.RSS), passFail(rep.HWM > 0 && rep.HWM < maxRSS))
	p("- `/directory` HTML: largest page %s bytes (%s). Goal < 60 KB: **%s**\n",
		thousands(int64(len(biggest.Body))), biggest.Name, passFail(len(biggest.Body) < maxDirectoryHTML))
	p("- CSS and JavaScript the page loads: %s bytes (%s), uncompressed. Goal < 30 KB: **%s**\n",
		thousands(int64(assets)), strings.Join(names, ", "), passFail(assets < maxCSSJS))
	if st := rep.Stream; st.Lines > 0 {
		p("- `/openreferral/v3/services?format=ndjson`: %s services, %s MB in %s; the app's resident memory "+
			"%s MB before, at most %s MB while streaming. Goal: constant memory, within the 150 MB: **%s**\n",
			thousands(int64(st.Lines)), mb(st.Bytes), st.Took.Round(10*time.Millisecond), mb(st.RSSStart), mb(st.RSSPeak),
			passFail(st.RSSPeak > 0 && st.RSSPeak < maxRSS))
	}
	if rep.Profile != "" {
		p("- CPU profile: %s\n", rep.Profile)
	}
	p("\nRatio is the app's requests/s over nginx's for the same bytes. 1 KB = 1,000 bytes, 1 MB = 1,000,000 bytes.\n")
}

// ms shows a latency in milliseconds with precision that suits it.
func ms(d time.Duration) string {
	v := float64(d) / float64(time.Millisecond)
	switch {
	case v < 10:
		return fmt.Sprintf("%.2f ms", v)
	case v < 100:
		return fmt.Sprintf("%.1f ms", v)
	default:
		return fmt.Sprintf("%.0f ms", v)
	}
}

func mb(b int64) string { return fmt.Sprintf("%.1f", float64(b)/1e6) }

// thousands writes n with commas, as BENCHMARKS.md does.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
