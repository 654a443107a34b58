-- Calls through function values: a function in a table field (picked from an array) and one
-- in a local variable, 2 calls per iteration (10M calls for n=5000000).
-- LuaJIT spelling of calls.lua (math.floor for `//`). Usage: calls.lua [n=5000000]
local function inc(x) return x + 1 end
local function triple_mod(x) return x * 3 % 1000003 end
local function add7(x) return x + 7 end
local function affine_mod(x) return (x * 5 + 3) % 1000003 end

local n = tonumber(arg[1]) or 5000000
local ops = { { f = inc }, { f = triple_mod }, { f = add7 }, { f = affine_mod } }
local g = inc
local acc = 1
for i = 0, n - 1 do
  if i % 1000 == 0 then g = ops[math.floor(i / 1000) % 4 + 1].f end
  acc = ops[i % 4 + 1].f(acc)
  acc = g(acc)
end
print(string.format("%d", acc))
