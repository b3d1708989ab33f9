package templates

// pageLinks lists the page numbers pagination offers on page of pages: the first, the last
// and two either side of the current page, with 0 standing for a gap. It is built from those
// few numbers, not by walking every page: a broad search has thousands.
func pageLinks(page, pages int) []int {
	out := make([]int, 0, 9)
	add := func(n int) {
		if n < 1 || n > pages || (len(out) > 0 && n <= out[len(out)-1]) {
			return
		}
		if len(out) > 0 && n > out[len(out)-1]+1 {
			out = append(out, 0)
		}
		out = append(out, n)
	}
	add(1)
	for n := page - 2; n <= page+2; n++ {
		add(n)
	}
	add(pages)
	return out
}
