// Package web embeds the static files (CSS, the little JavaScript, icons) and serves them at
// content-hashed URLs, so browsers may cache them for a year and still see every change.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
)

//go:embed static
var files embed.FS

// Assets maps static file names to hashed URLs and serves them.
type Assets struct {
	urls  map[string]string // "site.css" -> "/static/site.3f2a9c1d.css"
	files map[string]asset  // "site.3f2a9c1d.css" -> content
}

type asset struct {
	body        []byte
	contentType string
}

// NewAssets hashes every embedded static file once, at start.
func NewAssets() (*Assets, error) {
	a := &Assets{urls: map[string]string{}, files: map[string]asset{}}
	err := fs.WalkDir(files, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		if path.Ext(p) == ".css" {
			if body, err = minifyCSS(body); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
		}
		sum := sha256.Sum256(body)
		name := strings.TrimPrefix(p, "static/")
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:12] + ext
		a.urls[name] = "/static/" + hashed
		a.files[hashed] = asset{body: body, contentType: contentType(ext)}
		return nil
	})
	return a, err
}

// minifyCSS drops the stylesheet's comments and spacing. The comments say why a rule is
// there, for the people who edit it; browsers need none of it, and the page's budget for CSS
// and script is 30 KB.
func minifyCSS(body []byte) ([]byte, error) {
	var out bytes.Buffer
	if err := css.Minify(minify.New(), &out, bytes.NewReader(body), nil); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// URL is the hashed address of a static file; it panics for a name that is not embedded,
// which the tests catch before anyone sees a broken page.
func (a *Assets) URL(name string) string {
	u, ok := a.urls[name]
	if !ok {
		panic("web: no static file " + name)
	}
	return u
}

// ServeHTTP serves /static/{hashed name}. Anything else is 404.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f, ok := a.files[strings.TrimPrefix(r.URL.Path, "/static/")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("Content-Length", strconv.Itoa(len(f.body)))
	h.Set("Last-Modified", startTime)
	if r.Method != http.MethodHead {
		w.Write(f.body)
	}
}

var startTime = time.Now().UTC().Format(http.TimeFormat)

func contentType(ext string) string {
	switch ext {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".ico":
		return "image/x-icon"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}
