-- Fannkuch-redux (Benchmarks Game): checksum and maximum flips over all permutations of n.
-- Same algorithm as fannkuch.c with 1-based tables (index i here is index i-1 there).
-- Usage: fannkuch.lua [n=10]
local function fannkuch(n)
  local perm, perm1, count = {}, {}, {}
  for i = 1, n do perm[i] = 0; perm1[i] = i - 1; count[i] = 0 end
  local maxflips, permcount, checksum, r = 0, 0, 0, n
  while true do
    while r ~= 1 do
      count[r] = r
      r = r - 1
    end
    for i = 1, n do perm[i] = perm1[i] end
    local flips = 0
    local k = perm[1]
    while k ~= 0 do
      local i, j = 1, k + 1
      while i < j do
        perm[i], perm[j] = perm[j], perm[i]
        i = i + 1
        j = j - 1
      end
      flips = flips + 1
      k = perm[1]
    end
    if flips > maxflips then maxflips = flips end
    if permcount % 2 == 0 then checksum = checksum + flips else checksum = checksum - flips end
    while true do
      if r == n then return checksum, maxflips end
      local perm0 = perm1[1]
      for i = 1, r do perm1[i] = perm1[i + 1] end
      perm1[r + 1] = perm0
      count[r + 1] = count[r + 1] - 1
      if count[r + 1] > 0 then break end
      r = r + 1
    end
    permcount = permcount + 1
  end
end

local checksum, maxflips = fannkuch(tonumber(arg[1]) or 10)
print(string.format("%d %d", checksum, maxflips))
