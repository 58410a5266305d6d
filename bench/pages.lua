-- wrk script for bench/pages.py: GET the page; with a cookie when asked (a page the cache
-- does not serve), and count answers that are not 200.
function init(args)
  if args[1] == "uncached" then wrk.headers["Cookie"] = "bench=1" end
end
