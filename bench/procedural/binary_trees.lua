-- Binary trees (Benchmarks Game): allocate and walk many complete binary trees.
-- A leaf is an empty table, an inner node {left, right}. Usage: binary_trees.lua [max_depth=16]
local function make(depth)
  if depth > 0 then
    return { make(depth - 1), make(depth - 1) }
  end
  return {}
end

local function check(t)
  if t[1] == nil then return 1 end
  return 1 + check(t[1]) + check(t[2])
end

local n = tonumber(arg[1]) or 16
local min_depth = 4
local max_depth = math.max(min_depth + 2, n)
local stretch = max_depth + 1
io.write(string.format("stretch tree of depth %d check: %d\n", stretch, check(make(stretch))))
local long_lived = make(max_depth)
for d = min_depth, max_depth, 2 do
  local iterations = 1
  for _ = 1, max_depth - d + min_depth do iterations = iterations * 2 end
  local chk = 0
  for _ = 1, iterations do chk = chk + check(make(d)) end
  io.write(string.format("%d trees of depth %d check: %d\n", iterations, d, chk))
end
io.write(string.format("long lived tree of depth %d check: %d\n", max_depth, check(long_lived)))
