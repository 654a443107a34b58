-- Nested integer loops: n*n iterations of mul, xor, and, add, and, add (~100M ops for n=4096).
-- Lua 5.4 operators; loops.jit.lua is the same program with LuaJIT's bit library.
-- Usage: loops.lua [n=4096]
local n = tonumber(arg[1]) or 4096
local acc, sum = 0, 0
for i = 0, n - 1 do
  for j = 0, n - 1 do
    acc = ((acc ~ (i * j)) + (i & j)) & 1048575
    sum = sum + acc
  end
end
print(string.format("%d %d", acc, sum))
