-- String building with immutable strings: concatenation, substrings and byte reads.
-- Prints the final length, the bytes appended and a checksum of sampled bytes.
-- LuaJIT spelling of strings.lua (math.floor for `//`). Usage: strings.lua [n=1000000]
local words = { "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta" }
local byte, sub, tostring = string.byte, string.sub, tostring
local n = tonumber(arg[1]) or 1000000
local s = ""
local check, appended = 0, 0
for i = 0, n - 1 do
  local w = words[i % 8 + 1]
  local num = tostring(i % 1000)
  s = s .. w .. num .. ","
  appended = appended + #w + #num + 1
  if #s > 256 then
    check = (check * 31 + byte(s, i % #s + 1)) % 1000000007
    s = sub(s, math.floor(#s / 2) + 1)
  end
end
for i = 1, #s do check = (check * 31 + byte(s, i)) % 1000000007 end
print(string.format("%d %d %d", #s, appended, check))
