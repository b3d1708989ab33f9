package server

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Helpers of the hostile-input catalogue (hostile_input_test.go): reading a form off a page
// as a browser would submit it, sending forms and files, and a fingerprint of the database.

var (
	formTagRe     = regexp.MustCompile(`(?s)<form\b([^>]*)>(.*?)</form>`)
	inputTagRe    = regexp.MustCompile(`<input\b[^>]*>`)
	textareaTagRe = regexp.MustCompile(`(?s)<textarea\b([^>]*)>(.*?)</textarea>`)
	selectTagRe   = regexp.MustCompile(`(?s)<select\b([^>]*)>(.*?)</select>`)
	optionTagRe   = regexp.MustCompile(`(?s)<option\b([^>]*)>`)
)

// attrOf is the unescaped value of attribute name in a tag's text, and whether it is there.
func attrOf(tag, name string) (string, bool) {
	m := regexp.MustCompile(`\s` + name + `(?:="([^"]*)")?(?:\s|/?>|$)`).FindStringSubmatch(tag)
	if m == nil {
		return "", false
	}
	return html.UnescapeString(m[1]), true
}

// scrapeForm returns the values the form posting to action on page would send untouched:
// inputs (checkboxes and radios only when checked; no buttons), textareas and the chosen
// option of each select. ok is false when the page has no such form.
func scrapeForm(page, action string) (url.Values, bool) {
	for _, m := range formTagRe.FindAllStringSubmatch(page, -1) {
		if a, _ := attrOf(m[1], "action"); a != action {
			continue
		}
		v := url.Values{}
		body := m[2]
		for _, in := range inputTagRe.FindAllString(body, -1) {
			name, ok := attrOf(in, "name")
			typ, _ := attrOf(in, "type")
			if !ok || typ == "submit" || typ == "file" || typ == "button" {
				continue
			}
			if _, checked := attrOf(in, "checked"); (typ == "checkbox" || typ == "radio") && !checked {
				continue
			}
			value, has := attrOf(in, "value")
			if !has && typ == "checkbox" {
				value = "on"
			}
			v.Add(name, value)
		}
		for _, ta := range textareaTagRe.FindAllStringSubmatch(body, -1) {
			if name, ok := attrOf(ta[1], "name"); ok {
				v.Add(name, html.UnescapeString(strings.TrimPrefix(ta[2], "\n")))
			}
		}
		for _, sel := range selectTagRe.FindAllStringSubmatch(body, -1) {
			name, ok := attrOf(sel[1], "name")
			if !ok {
				continue
			}
			_, multiple := attrOf(sel[1], "multiple")
			var first string
			var chosen []string
			for i, o := range optionTagRe.FindAllStringSubmatch(sel[2], -1) {
				val, _ := attrOf(o[1], "value")
				if i == 0 {
					first = val
				}
				if _, sel := attrOf(o[1], "selected"); sel {
					chosen = append(chosen, val)
				}
			}
			switch {
			case len(chosen) > 0:
				v[name] = append(v[name], chosen...)
			case !multiple:
				v.Add(name, first)
			}
		}
		return v, true
	}
	return nil, false
}

// upload is a file sent with a form.
type upload struct {
	name    string
	content []byte
}

// postHostile sends form as a same-origin browser would: url-encoded, or multipart with
// file (an empty file input when file is nil) when multipartForm is set.
func (u *user) postHostile(t *testing.T, path string, form url.Values, multipartForm bool, file *upload) (int, string) {
	t.Helper()
	var body io.Reader
	contentType := "application/x-www-form-urlencoded"
	if multipartForm {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, vs := range form {
			for _, v := range vs {
				mw.WriteField(k, v)
			}
		}
		if file != nil {
			fw, _ := mw.CreateFormFile("file", file.name)
			fw.Write(file.content)
		} else {
			mw.CreateFormFile("file", "")
		}
		mw.Close()
		body, contentType = &buf, mw.FormDataContentType()
	} else {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(http.MethodPost, u.app.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := u.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// unfingerprinted are tables that change on any request, or record refusals on purpose:
// sessions (and when each was last seen), failed sign-ins (the throttle) and when an admin
// last looked at the dashboard.
var unfingerprinted = []string{"sessions", "user_sessions", "login_failures", "admin_views", "goose_db_version"}

// fingerprint is an md5 of every row of every table of the application, per table, so a
// difference says where something was stored. Audit events of the actions given are left out:
// those a form records on purpose when it refuses (a failed sign-in).
func (a *app) fingerprint(t *testing.T, skipAudits ...string) map[string]string {
	t.Helper()
	ctx := context.Background()
	rows, err := a.pool.Query(ctx, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		if !slices.Contains(unfingerprinted, name) {
			tables = append(tables, name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, table := range tables {
		var sum string
		q := fmt.Sprintf(`SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM %q t`, table)
		args := []any{}
		if table == "audit_events" {
			q += ` WHERE NOT (t.action = ANY($1))`
			args = append(args, append([]string{}, skipAudits...))
		}
		if err := a.pool.QueryRow(ctx, q, args...).Scan(&sum); err != nil {
			t.Fatal(err)
		}
		out[table] = sum
	}
	return out
}

// changedTables names the tables whose fingerprint differs.
func changedTables(before, after map[string]string) []string {
	var out []string
	for k, v := range after {
		if before[k] != v {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}
