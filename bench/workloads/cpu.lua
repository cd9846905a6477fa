-- CPU-bound Lua 5.4 workload for bench/run.py: recursion, integer and float loops, table
-- (hash and array part) traffic, string building and pattern matching. Deterministic:
-- prints the same lines on every host and guest.
-- usage: lua5.4 cpu.lua [UNITS]: the loops scale linearly with UNITS (default 4).
local units = math.tointeger(tonumber(arg and arg[1])) or 4

local function fib(n)
	if n < 2 then return n end
	return fib(n - 1) + fib(n - 2)
end

-- Integer loop with a tiny LCG; Lua 5.4 integers wrap at 64 bits.
local function lcg_sum(n)
	local x, s = 12345, 0
	for _ = 1, n do
		x = (x * 6364136223846793005 + 1442695040888963407)
		s = s ~ (x >> 33)
	end
	return s
end

-- Hash tables keyed by strings, then an array sort with a comparator.
local function words(n)
	local counts, keys = {}, {}
	local x = 7
	for _ = 1, n do
		x = (x * 1103515245 + 12345) % 2147483648
		local w = "w" .. (x % 5000)
		local c = counts[w]
		if c then
			counts[w] = c + 1
		else
			counts[w] = 1
			keys[#keys + 1] = w
		end
	end
	table.sort(keys, function(a, b)
		if counts[a] ~= counts[b] then return counts[a] > counts[b] end
		return a < b
	end)
	return #keys, keys[1], counts[keys[1]]
end

-- String building, gsub and find.
local function strings(n)
	local parts = {}
	for i = 1, n do
		parts[#parts + 1] = string.format("%d:%x;", i, i * 2654435761 % 4294967296)
	end
	local s = table.concat(parts)
	local digits = 0
	for d in s:gmatch("%d+") do digits = digits + #d end
	local t = s:gsub("[a-f]", "_")
	return #s, digits, select(2, t:gsub("_", "_"))
end

-- Float loop: Leibniz series for pi (exact same operations on every IEEE host).
local function leibniz(n)
	local s, sign = 0.0, 1.0
	for k = 0, n - 1 do
		s = s + sign / (2 * k + 1)
		sign = -sign
	end
	return 4 * s
end

print("fib", fib(22 + units))
print("lcg", lcg_sum(400000 * units))
print("words", words(50000 * units))
print("strings", strings(20000 * units))
print("leibniz", string.format("%.12f", leibniz(250000 * units)))
