SELECT A.SYST_ID	AS SYST_ID,
	           A.SYST_TYPE	AS SYST_TYPE,
	           A.SYST_NM	AS SYST_NM,
	           A.SYST_IP_1	AS SYST_IP_1,
	           A.SYST_IP_2	AS SYST_IP_2,
	           TO_NUMBER(NVL(A.PRGM_PORT, '0')) AS PRGM_PORT
	      FROM TB_UNIT_SYST A
	     WHERE A.DEL_YN = 'N'
	     ORDER BY A.SYST_ID
@@@@
SELECT A.SYST_ID	AS SYST_ID,
	           A.SYST_TYPE	AS SYST_TYPE,
	           A.SYST_NM	AS SYST_NM,
	           A.SYST_IP_1	AS SYST_IP_1,
	           A.SYST_IP_2	AS SYST_IP_2,
	           TO_NUMBER(NVL(A.PRGM_PORT, '0')) AS PRGM_PORT
	      FROM TB_UNIT_SYST A
	     WHERE A.DEL_YN = 'N'
	     ORDER BY A.SYST_ID
@@@@
MERGE INTO TB_UNIT_SYST_STTS L
        USING (SELECT 'DSRC01' 	   AS SYST_ID,
                      '20210409110833' 	   AS UPDT_DT,
                      'SPS1' AS SYST_STTS_CD
                 FROM DUAL) M
        ON ( L.SYST_ID = M.SYST_ID )
        WHEN MATCHED THEN
          UPDATE SET L.UPDT_DT      = M.UPDT_DT,
                     L.SYST_STTS_CD = M.SYST_STTS_CD
        WHEN NOT MATCHED THEN
          INSERT (
	              L.SYST_ID,
	              L.UPDT_DT,
	              L.SYST_STTS_CD
                 )
          VALUES (
	              M.SYST_ID,
	              M.UPDT_DT,
	              M.SYST_STTS_CD
                 )
@@@@
MERGE INTO TB_UNIT_SYST_STTS L
        USING (SELECT 'DSRC01' 	   AS SYST_ID,
                      '20210409110833' 	   AS UPDT_DT,
                      'SPS1' AS SYST_STTS_CD
                 FROM DUAL) M
        ON ( L.SYST_ID = M.SYST_ID )
        WHEN MATCHED THEN
          UPDATE SET L.UPDT_DT      = M.UPDT_DT,
                     L.SYST_STTS_CD = M.SYST_STTS_CD
        WHEN NOT MATCHED THEN
          INSERT (
	              L.SYST_ID,
	              L.UPDT_DT,
	              L.SYST_STTS_CD
                 )
          VALUES (
	              M.SYST_ID,
	              M.UPDT_DT,
	              M.SYST_STTS_CD
                 )
@@@@
SELECT A.ID,
	           A.RSE_ID,
               A.ROAD_SPOT_ID,
               A.LOG_CNNC_ID,
               A.LOG_CNNC_PW,
               A.ISTL_LCTN_NM,
               A.IP AS IP_ADDR,
	           TO_NUMBER(NVL(A.PORT, '0')) AS PORT,
               A.MNFC_CMPY_CD,
               A.CLCT_ABNR_BASI
	      FROM TB_RSE_MSTR A
	     WHERE A.DEL_YN = 'N'
	     ORDER BY A.RSE_ID
@@@@
SELECT A.ID,
	           A.RSE_ID,
               A.ROAD_SPOT_ID,
               A.LOG_CNNC_ID,
               A.LOG_CNNC_PW,
               A.ISTL_LCTN_NM,
               A.IP AS IP_ADDR,
	           TO_NUMBER(NVL(A.PORT, '0')) AS PORT,
               A.MNFC_CMPY_CD,
               A.CLCT_ABNR_BASI
	      FROM TB_RSE_MSTR A
	     WHERE A.DEL_YN = 'N'
	     ORDER BY A.RSE_ID
