package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
)

// The categories Lighthouse scores, in the order the table shows them.
var lhCategories = []string{"performance", "accessibility", "best-practices", "seo"}

// lhScores is one page's result: category scores 0-100 (-1 when Lighthouse gave none) and,
// per category, the audits that lost points.
type lhScores struct {
	Path   string
	Scores map[string]int
	Failed map[string][]string
}

type lhReport struct {
	RuntimeError *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"runtimeError"`
	Categories map[string]struct {
		Score     *float64 `json:"score"`
		AuditRefs []struct {
			ID     string  `json:"id"`
			Weight float64 `json:"weight"`
		} `json:"auditRefs"`
	} `json:"categories"`
	Audits map[string]struct {
		Title            string   `json:"title"`
		Score            *float64 `json:"score"`
		ScoreDisplayMode string   `json:"scoreDisplayMode"`
	} `json:"audits"`
}

// runLighthouse audits one URL with Debian's chromium, headless, with the desktop preset (no
// mobile CPU and network throttling: what is measured is the app, not a simulated phone).
func runLighthouse(ctx context.Context, bin, chromium, base, path, outDir string) (lhScores, error) {
	name := regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(path, "_")
	out := filepath.Join(outDir, "lighthouse"+name+".json")
	cmd := exec.CommandContext(ctx, bin, base+path,
		"--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage",
		"--only-categories=performance,accessibility,best-practices,seo",
		"--preset=desktop",
		"--output=json", "--output-path="+out, "--quiet",
	)
	cmd.Env = append(os.Environ(), "CHROME_PATH="+chromium)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return lhScores{}, fmt.Errorf("lighthouse %s: %w\n%s", path, err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		return lhScores{}, err
	}
	s, err := parseLighthouse(b)
	s.Path = path
	return s, err
}

func parseLighthouse(b []byte) (lhScores, error) {
	var r lhReport
	if err := json.Unmarshal(b, &r); err != nil {
		return lhScores{}, fmt.Errorf("read lighthouse report: %w", err)
	}
	if r.RuntimeError != nil && r.RuntimeError.Code != "" && r.RuntimeError.Code != "NO_ERROR" {
		return lhScores{}, fmt.Errorf("lighthouse: %s: %s", r.RuntimeError.Code, r.RuntimeError.Message)
	}
	s := lhScores{Scores: map[string]int{}, Failed: map[string][]string{}}
	for _, id := range lhCategories {
		c, ok := r.Categories[id]
		if !ok || c.Score == nil {
			s.Scores[id] = -1
			continue
		}
		s.Scores[id] = int(math.Round(*c.Score * 100))
		for _, ref := range c.AuditRefs {
			a, ok := r.Audits[ref.ID]
			if !ok || ref.Weight == 0 || a.Score == nil || *a.Score >= 1 {
				continue
			}
			if a.ScoreDisplayMode != "binary" && a.ScoreDisplayMode != "numeric" && a.ScoreDisplayMode != "metricSavings" {
				continue
			}
			s.Failed[id] = append(s.Failed[id], fmt.Sprintf("%s (%s, %.2f)", a.Title, ref.ID, *a.Score))
		}
		sort.Strings(s.Failed[id])
	}
	return s, nil
}
