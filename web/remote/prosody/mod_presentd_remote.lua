-- mod_presentd_remote: serves presentd's remote page (scripts/build_remote_page.sh) over
-- Prosody's HTTP server, and answers /join/<6 digits> with the page itself, so a room's address
-- (https://xmpp.example.com/remote/join/123456) opens the page for that room.
--
--   VirtualHost "guest.example.com"
--     modules_enabled = { "presentd_remote" }
--     presentd_remote_dir = "/usr/share/presentd/remote"   -- holds index.html and config.json
--     http_paths = { presentd_remote = "/remote" }          -- the default
local http_files = require "net.http.files";

local dir = module:get_option_path("presentd_remote_dir", "/usr/share/presentd/remote");
local serve = http_files.serve({
	path = dir;
	index_files = { "index.html" };
	mime_map = { html = "text/html; charset=utf-8"; json = "application/json"; md = "text/plain; charset=utf-8" };
});

local function with_headers(event)
	local headers = event.response.headers;
	headers.x_content_type_options = "nosniff";
	headers.referrer_policy = "no-referrer";
	headers.cache_control = "no-cache";
end

module:provides("http", {
	default_path = "/remote";
	route = {
		["GET /*"] = function(event, path)
			with_headers(event);
			return serve(event, path);
		end;
		["GET /join/*"] = function(event, id)
			if not (id or ""):match("^%d%d%d%d%d%d/?$") then return 404; end
			with_headers(event);
			return serve(event, "index.html");
		end;
	};
});
