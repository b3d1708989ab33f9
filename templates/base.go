// Package templates holds the templ components that draw every page. Components only render:
// they receive everything they show and decide nothing about who may see it.
package templates

import (
	"strings"

	"dadirectory/internal/access"
	"dadirectory/internal/directory"
	"dadirectory/internal/site"
)

// Base is what the layout of every page needs.
type Base struct {
	Site     site.Settings
	CSS      string // hashed URL of the stylesheet
	ExitJS   string // hashed URL of the quick-exit script
	Viewer   access.Viewer
	UserName string
	Path     string // the request path, to mark the current navigation item
}

// navItem is one entry of the main navigation.
type navItem struct{ Href, Label string }

func (b Base) nav() []navItem {
	return []navItem{
		{"/", "Home"},
		{"/directory", "Find support"},
		{"/contacts", "Useful contacts"},
		{"/safety", "Staying safe online"},
	}
}

func (b Base) current(href string) bool {
	if href == "/" {
		return b.Path == "/"
	}
	return b.Path == href || len(b.Path) > len(href) && b.Path[:len(href)+1] == href+"/"
}

func termNames(terms []directory.Term) string {
	names := make([]string, len(terms))
	for i, t := range terms {
		names[i] = t.Name
	}
	return strings.Join(names, ", ")
}
