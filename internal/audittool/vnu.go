package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os/exec"
	"path/filepath"
	"sort"
)

// vnuMessage is one entry of the Nu checker's JSON output (--format json).
type vnuMessage struct {
	Type     string `json:"type"`    // "error", "info" or "non-document-error"
	SubType  string `json:"subType"` // "warning" with type "info"; "fatal" with type "error"
	URL      string `json:"url"`
	LastLine int    `json:"lastLine"`
	Message  string `json:"message"`
	Extract  string `json:"extract"`
}

// finding is a checker error tied back to the page it came from.
type finding struct {
	Page    page
	Line    int
	Message string
	Extract string
}

// runVNU checks every saved page with one JVM and returns the errors per page.
func runVNU(ctx context.Context, jar string, pages []page) ([]finding, error) {
	args := []string{"-jar", jar, "--errors-only", "--format", "json", "--stdout", "--exit-zero-always"}
	byFile := map[string]page{}
	for _, p := range pages {
		abs, err := filepath.Abs(p.File)
		if err != nil {
			return nil, err
		}
		byFile[abs] = p
		args = append(args, abs)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "java", args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("java -jar vnu.jar: %w\n%s", err, stderr.String())
	}
	return parseVNU(stdout.Bytes(), byFile)
}

// parseVNU keeps the errors (warnings are left out by --errors-only, and skipped here too) and
// maps each file: URL back to its page.
func parseVNU(out []byte, byFile map[string]page) ([]finding, error) {
	var res struct {
		Messages []vnuMessage `json:"messages"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("read vnu output: %w", err)
	}
	var fs []finding
	for _, m := range res.Messages {
		if m.Type == "info" {
			continue
		}
		p, ok := byFile[fileOf(m.URL)]
		if !ok {
			p = page{Role: "?", URL: m.URL}
		}
		msg := m.Message
		if m.Type == "non-document-error" {
			msg = "checker could not read the page: " + msg
		}
		fs = append(fs, finding{Page: p, Line: m.LastLine, Message: msg, Extract: m.Extract})
	}
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Page.Role != fs[j].Page.Role {
			return fs[i].Page.Role < fs[j].Page.Role
		}
		return fs[i].Page.File < fs[j].Page.File
	})
	return fs, nil
}

// fileOf turns the checker's "file:/abs/path.html" back into a path.
func fileOf(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "file" {
		return u
	}
	return p.Path
}
